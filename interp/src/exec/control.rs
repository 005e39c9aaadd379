//! Handlers of the control ops: branches, returns, fuel and loop counting.

use super::*;

handlers! { r, cx, Control;
    Return => do_return(&mut r, cx)?;
    ReturnSlot => {
        let o = operands!(r, ReturnSlot);
        *r.sp = get!(r, o.src);
        do_return(&mut r, cx)?;
    };
    Unreachable => return Err(TrapCode::Unreachable.into());
    ConsumeFuel => {
        let o = operands!(r, ConsumeFuel);
        let fuel = &mut (*cx.limits).fuel;
        if *fuel < o.amount as u64 {
            *fuel = 0;
            return Err(TrapCode::OutOfFuel.into());
        }
        *fuel -= o.amount as u64;
    };
    Br => {
        let o = ops::Br::read(r.ip);
        r.ip = cx.code.add(o.target.pos());
    };
    BrTable => {
        let o = ops::BrTable::read(r.ip);
        let i = get!(r, o.index).get_u32().min(o.len) as usize;
        let at = r.ip.add(ops::BrTable::SIZE + i * 4);
        let target = u32::from_le_bytes(core::ptr::read_unaligned(at as *const [u8; 4]));
        r.ip = cx.code.add(target as usize);
    };
    @raw
    HotLoop => hot_loop!();
    @ops
    BrIfNez | BrIfEqz => br_cond!(get_u32);
    BrI64Nez | BrI64Eqz => br_cond!(get_u64);
    BrI32Eq | BrI32Ne | BrI32LtS | BrI32LtU | BrI32GtS | BrI32GtU | BrI32LeS | BrI32LeU | BrI32GeS | BrI32GeU => br_cmp!(get_i32, holds_i32);
    BrI32AddImmEq | BrI32AddImmNe | BrI32AddImmLtS | BrI32AddImmLtU | BrI32AddImmGtS | BrI32AddImmGtU | BrI32AddImmLeS | BrI32AddImmLeU | BrI32AddImmGeS | BrI32AddImmGeU => br_add!(imm);
    BrI32AddEq | BrI32AddNe | BrI32AddLtS | BrI32AddLtU | BrI32AddGtS | BrI32AddGtU | BrI32AddLeS | BrI32AddLeU | BrI32AddGeS | BrI32AddGeU => br_add!(step);
    BrI64Eq | BrI64Ne | BrI64LtS | BrI64LtU | BrI64GtS | BrI64GtU | BrI64LeS | BrI64LeU | BrI64GeS | BrI64GeU => br_cmp!(get_i64, holds_i64);
    BrI32AndNz | BrI32AndZ => br_and!(get_u32);
    BrI64AndNz | BrI64AndZ => br_and!(get_u64);
    BrF32Eq | BrF32Ne | BrF32Lt | BrF32Gt | BrF32Le | BrF32Ge | BrF32NotLt | BrF32NotGt | BrF32NotLe | BrF32NotGe => br_cmp!(get_f32, holds_f32);
    BrF64Eq | BrF64Ne | BrF64Lt | BrF64Gt | BrF64Le | BrF64Ge | BrF64NotLt | BrF64NotGt | BrF64NotLe | BrF64NotGe => br_cmp!(get_f64, holds_f64);
}
