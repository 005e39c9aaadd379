//! Handlers of the variables ops: moves, constants, `select` and globals.

use super::*;

handlers! { r, cx, Variables;
    Copy2 => {
        let o = operands!(r, Copy2);
        set!(r, o.dst, get!(r, o.src));
        // Through the integer accumulator, free here: a
        // register the handler need not save.
        r.acc = get!(r, o.src2).0;
        set!(r, o.dst2, ValRaw(r.acc));
    };
    Reinterpret => {
        let o = operands!(r, Reinterpret);
        set!(r, o.dst, get!(r, o.src));
    };
    Const32 => {
        let o = operands!(r, Const32);
        set!(r, o.dst, ValRaw(o.imm as u64));
    };
    Const64 => {
        let o = operands!(r, Const64);
        set!(r, o.dst, ValRaw(o.imm));
    };
    Select => {
        let o = operands!(r, Select);
        let v = if get!(r, o.cond).get_u32() != 0 { get!(r, o.a) } else { get!(r, o.b) };
        set!(r, o.dst, v);
    };
    GlobalGet => {
        let o = operands!(r, GlobalGet);
        set!(r, o.dst, (*(cx.vmctx.add(o.offset as usize) as *const VMGlobalDefinition)).value);
    };
    GlobalSet => {
        let o = operands!(r, GlobalSet);
        (*(cx.vmctx.add(o.offset as usize) as *mut VMGlobalDefinition)).value = get!(r, o.src);
    };
    GlobalGetImported => {
        let o = operands!(r, GlobalGetImported);
        let p = *(cx.vmctx.add(o.offset as usize) as *const *const VMGlobalDefinition);
        set!(r, o.dst, (*p).value);
    };
    GlobalSetImported => {
        let o = operands!(r, GlobalSetImported);
        let p = *(cx.vmctx.add(o.offset as usize) as *const *mut VMGlobalDefinition);
        (*p).value = get!(r, o.src);
    };
    V128Select => {
        let o = operands!(r, V128Select);
        let v = if get!(r, o.cond).get_u32() != 0 { o.a } else { o.b };
        set!(r, o.dst, get!(r, v));
        set!(r, o.dst + 1, get!(r, v + 1));
    };
    V128GlobalGet => {
        let o = operands!(r, V128GlobalGet);
        let g = &*(cx.vmctx.add(o.offset as usize) as *const VMGlobalDefinition);
        set!(r, o.dst, g.value);
        set!(r, o.dst + 1, g.hi);
    };
    V128GlobalSet => {
        let o = operands!(r, V128GlobalSet);
        let g = &mut *(cx.vmctx.add(o.offset as usize) as *mut VMGlobalDefinition);
        g.value = get!(r, o.src);
        g.hi = get!(r, o.src + 1);
    };
    V128GlobalGetImported => {
        let o = operands!(r, V128GlobalGetImported);
        let g = &**(cx.vmctx.add(o.offset as usize) as *const *const VMGlobalDefinition);
        set!(r, o.dst, g.value);
        set!(r, o.dst + 1, g.hi);
    };
    V128GlobalSetImported => {
        let o = operands!(r, V128GlobalSetImported);
        let g = &mut **(cx.vmctx.add(o.offset as usize) as *const *mut VMGlobalDefinition);
        g.value = get!(r, o.src);
        g.hi = get!(r, o.src + 1);
    };
    @raw
    @ops
    Copy => copy!();
}
