//! Handlers of the memory ops: loads, stores and the memory instructions.

use super::*;

/// An address, length or page count, an `i64` (`is64`) or an `i32`, as a
/// `u64`.
#[inline(always)]
fn index_of(v: ValRaw, is64: bool) -> u64 {
    if is64 { v.get_u64() } else { v.get_u32() as u64 }
}

handlers! { r, cx, Memory;
    MemorySize => {
        let o = operands!(r, MemorySize);
        let (_, len) = memory_at(&r, cx, o.mem);
        set!(r, o.dst, ValRaw((len as u64) >> o.mem.page_size_log2()));
    };
    MemoryGrow => {
        let o = operands!(r, MemoryGrow);
        let delta = index_of(get!(r, o.delta), o.mem.is64());
        let mem = (&(*instance_of(cx.vmctx)).memories)[o.mem.index() as usize];
        let grown = (*cx.store).grow_memory(mem, delta);
        let failed = if o.mem.is64() { u64::MAX } else { u32::MAX as u64 };
        set!(r, o.dst, ValRaw(grown.unwrap_or(failed)));
        (r.mem_base, cx.mem_len) = memory_of(cx.vmctx);
    };
    MemoryFill => {
        let o = operands!(r, MemoryFill);
        let (d, v, n) = (index_of(get!(r, o.dst), o.mem.is64()), get!(r, o.value).0 as u8, index_of(get!(r, o.len), o.mem.is64()));
        bulk::memory_fill(bulk_memory(&r, cx, o.mem), d, v, n, bulk_fuel(cx))?;
    };
    MemoryCopy => {
        let o = operands!(r, MemoryCopy);
        let (d, s) = (index_of(get!(r, o.dst), o.dst_mem.is64()), index_of(get!(r, o.src), o.src_mem.is64()));
        let n = index_of(get!(r, o.len), MemRef::copy_length_is64(o.dst_mem, o.src_mem));
        let (dm, sm) = (bulk_memory(&r, cx, o.dst_mem), bulk_memory(&r, cx, o.src_mem));
        bulk::memory_copy(dm, sm, d, s, n, bulk_fuel(cx))?;
    };
    MemoryInit => {
        let o = operands!(r, MemoryInit);
        let bytes = (*instance_of(cx.vmctx)).data_bytes(o.data);
        let (d, s, n) =
            (index_of(get!(r, o.dst), o.mem.is64()), get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
        bulk::memory_init(bulk_memory(&r, cx, o.mem), bytes, d, s, n, bulk_fuel(cx))?;
    };
    DataDrop => {
        let o = operands!(r, DataDrop);
        (&mut (*instance_of(cx.vmctx)).datas_dropped)[o.data as usize] = true;
    };
    @raw
    @ops
    I32Store | I32StoreMem => store!(4, |v| v.get_u32().to_le_bytes());
    I64Store | I64StoreMem => store!(8, |v| v.0.to_le_bytes());
    F32Store | F32StoreMem => store!(4, |v| v.get_u32().to_le_bytes());
    F64Store | F64StoreMem => store!(8, |v| v.0.to_le_bytes());
    I32Store8 | I32Store8Mem => store!(1, |v| [v.0 as u8]);
    I32Store16 | I32Store16Mem => store!(2, |v| (v.0 as u16).to_le_bytes());
    I64Store8 | I64Store8Mem => store!(1, |v| [v.0 as u8]);
    I64Store16 | I64Store16Mem => store!(2, |v| (v.0 as u16).to_le_bytes());
    I64Store32 | I64Store32Mem => store!(4, |v| (v.0 as u32).to_le_bytes());
    I32Load | I32LoadMem => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
    I64Load | I64LoadMem => load!(8, |b| ValRaw(u64::from_le_bytes(b)));
    F32Load | F32LoadMem => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
    F64Load | F64LoadMem => load!(8, |b| ValRaw(u64::from_le_bytes(b)));
    I32Load8S | I32Load8SMem => load!(1, |b| ValRaw::i32(b[0] as i8 as i32));
    I32Load8U | I32Load8UMem => load!(1, |b| ValRaw(b[0] as u64));
    I32Load16S | I32Load16SMem => load!(2, |b| ValRaw::i32(i16::from_le_bytes(b) as i32));
    I32Load16U | I32Load16UMem => load!(2, |b| ValRaw(u16::from_le_bytes(b) as u64));
    I64Load8S | I64Load8SMem => load!(1, |b| ValRaw::i64(b[0] as i8 as i64));
    I64Load8U | I64Load8UMem => load!(1, |b| ValRaw(b[0] as u64));
    I64Load16S | I64Load16SMem => load!(2, |b| ValRaw::i64(i16::from_le_bytes(b) as i64));
    I64Load16U | I64Load16UMem => load!(2, |b| ValRaw(u16::from_le_bytes(b) as u64));
    I64Load32S | I64Load32SMem => load!(4, |b| ValRaw::i64(i32::from_le_bytes(b) as i64));
    I64Load32U | I64Load32UMem => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
}
