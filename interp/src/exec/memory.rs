//! Handlers of the memory ops: loads, stores and the memory instructions.

use super::*;

handlers! { r, cx, Memory;
    MemorySize => {
        let o = operands!(r, MemorySize);
        set!(r, o.dst, ValRaw((cx.mem_len as u64) / 65536));
    };
    MemoryGrow => {
        let o = operands!(r, MemoryGrow);
        let delta = get!(r, o.delta).get_u32() as u64;
        let mem = (&(*instance_of(cx.vmctx)).memories)[0];
        let grown = (*cx.store).grow_memory(mem, delta);
        set!(r, o.dst, ValRaw::i32(grown.map(|old| old as i32).unwrap_or(-1)));
        (r.mem_base, cx.mem_len) = memory_of(cx.vmctx);
    };
    MemoryFill => {
        let o = operands!(r, MemoryFill);
        let (d, v, n) = (get!(r, o.dst).get_u32() as u64, get!(r, o.value).0 as u8, get!(r, o.len).get_u32() as u64);
        bulk::memory_fill(bulk_mem(&r, cx), d, v, n, bulk_fuel(cx))?;
    };
    MemoryCopy => {
        let o = operands!(r, MemoryCopy);
        let (d, s, n) =
            (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
        bulk::memory_copy(bulk_mem(&r, cx), d, s, n, bulk_fuel(cx))?;
    };
    MemoryInit => {
        let o = operands!(r, MemoryInit);
        let bytes = (*instance_of(cx.vmctx)).data_bytes(o.data);
        let (d, s, n) =
            (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
        bulk::memory_init(bulk_mem(&r, cx), bytes, d, s, n, bulk_fuel(cx))?;
    };
    DataDrop => {
        let o = operands!(r, DataDrop);
        (&mut (*instance_of(cx.vmctx)).datas_dropped)[o.data as usize] = true;
    };
    @raw
    @ops
    I32Store => store!(4, |v| v.get_u32().to_le_bytes());
    I64Store => store!(8, |v| v.0.to_le_bytes());
    F32Store => store!(4, |v| v.get_u32().to_le_bytes());
    F64Store => store!(8, |v| v.0.to_le_bytes());
    I32Store8 => store!(1, |v| [v.0 as u8]);
    I32Store16 => store!(2, |v| (v.0 as u16).to_le_bytes());
    I64Store8 => store!(1, |v| [v.0 as u8]);
    I64Store16 => store!(2, |v| (v.0 as u16).to_le_bytes());
    I64Store32 => store!(4, |v| (v.0 as u32).to_le_bytes());
    I32Load => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
    I64Load => load!(8, |b| ValRaw(u64::from_le_bytes(b)));
    F32Load => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
    F64Load => load!(8, |b| ValRaw(u64::from_le_bytes(b)));
    I32Load8S => load!(1, |b| ValRaw::i32(b[0] as i8 as i32));
    I32Load8U => load!(1, |b| ValRaw(b[0] as u64));
    I32Load16S => load!(2, |b| ValRaw::i32(i16::from_le_bytes(b) as i32));
    I32Load16U => load!(2, |b| ValRaw(u16::from_le_bytes(b) as u64));
    I64Load8S => load!(1, |b| ValRaw::i64(b[0] as i8 as i64));
    I64Load8U => load!(1, |b| ValRaw(b[0] as u64));
    I64Load16S => load!(2, |b| ValRaw::i64(i16::from_le_bytes(b) as i64));
    I64Load16U => load!(2, |b| ValRaw(u16::from_le_bytes(b) as u64));
    I64Load32S => load!(4, |b| ValRaw::i64(i32::from_le_bytes(b) as i64));
    I64Load32U => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
}
