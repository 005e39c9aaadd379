//! Handlers of the tables ops: table instructions and references.

use super::*;

handlers! { r, cx, Tables;
    I64SatIndex => {
        let o = operands!(r, I64SatIndex);
        set!(r, o.dst, ValRaw(get!(r, o.src).get_u64().min(u32::MAX as u64)));
    };
    TableGet => {
        let o = operands!(r, TableGet);
        let t = table_def(cx.vmctx, o.table);
        let i = get!(r, o.index).get_u32() as usize;
        if i >= (*t).current_elements {
            return Err(TrapCode::TableOutOfBounds.into());
        }
        set!(r, o.dst, *(*t).base.add(i));
    };
    TableSet => {
        let o = operands!(r, TableSet);
        let t = table_def(cx.vmctx, o.table);
        let i = get!(r, o.index).get_u32() as usize;
        if i >= (*t).current_elements {
            return Err(TrapCode::TableOutOfBounds.into());
        }
        *(*t).base.add(i) = get!(r, o.value);
    };
    TableSize => {
        let o = operands!(r, TableSize);
        let t = table_def(cx.vmctx, o.table);
        set!(r, o.dst, ValRaw((*t).current_elements as u64));
    };
    TableGrow => {
        let o = operands!(r, TableGrow);
        let id = (&(*instance_of(cx.vmctx)).tables)[o.table as usize];
        let delta = get!(r, o.delta).get_u32() as u64;
        bulk::charge(bulk_fuel(cx), delta, bulk::ELEMS_PER_FUEL)?;
        let grown = (*cx.store).grow_table(id, delta, get!(r, o.init));
        set!(r, o.dst, ValRaw::i32(grown.map(|old| old as i32).unwrap_or(-1)));
    };
    TableFill => {
        let o = operands!(r, TableFill);
        let t = table_def(cx.vmctx, o.table);
        let (d, n) = (get!(r, o.dst).get_u32() as u64, get!(r, o.len).get_u32() as u64);
        bulk::table_fill(t, d, get!(r, o.value), n, bulk_fuel(cx))?;
    };
    TableCopy => {
        let o = operands!(r, TableCopy);
        let td = table_def(cx.vmctx, o.dst_table);
        let ts = table_def(cx.vmctx, o.src_table);
        let (d, s, n) =
            (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
        bulk::table_copy(td, ts, d, s, n, bulk_fuel(cx))?;
    };
    TableInit => {
        let o = operands!(r, TableInit);
        let inst = &*instance_of(cx.vmctx);
        let items = &inst.elems[o.elem as usize];
        let t = table_def(cx.vmctx, o.table);
        let (d, s, n) =
            (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
        bulk::table_init(t, items, d, s, n, bulk_fuel(cx))?;
    };
    ElemDrop => {
        let o = operands!(r, ElemDrop);
        (&mut (*instance_of(cx.vmctx)).elems)[o.elem as usize] = Vec::new();
    };
    RefFunc => {
        let o = operands!(r, RefFunc);
        set!(r, o.dst, ValRaw::funcref((*instance_of(cx.vmctx)).func_ref(o.func)));
    };
    RefAsNonNull => {
        let o = operands!(r, RefAsNonNull);
        if get!(r, o.src).0 == 0 {
            return Err(TrapCode::NullReference.into());
        }
    };
    @raw
    @ops
    RefIsNull => unop!(get_i64, |a| ValRaw((a == 0) as u64));
}
