//! The shapes of ops (`binop!`, `load!`, `br_cmp!`, `call!` ...): each defines the handler body of an op, or of any of its forms, reading what the form does from its opcode.

// `binop!`, `immop!`, `unop!`, `copy!`, `load!` and `store!` define an op
// or any of its accumulator, register-result and value forms: each reads
// `Opcode::$Op`'s own description (`src!`, `produce!`).

/// `dst = lhs op rhs`.
macro_rules! binop {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let $a = src!($r, $Op, o.lhs, 1, $get);
        let $b = get!($r, o.rhs).$get();
        produce!($r, $Op, o, $e);
    }};
}

/// `dst = lhs op imm`.
macro_rules! immop {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let $a = src!($r, $Op, o.lhs, 1, $get);
        let $b = o.imm;
        produce!($r, $Op, o, $e);
    }};
}

/// `dst = op src`.
macro_rules! unop {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, |$a:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let $a = src!($r, $Op, o.src, 1, $get);
        produce!($r, $Op, o, $e);
    }};
}

/// `dst = src`.
macro_rules! copy {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        produce!($r, $Op, o, ValRaw(src!($r, $Op, o.src, 1, get_u64)));
    }};
}

/// The host address of the `$n`-byte access of load or store `$o` of
/// `$Op`, whose address is slot operand `$i`, bounds-checked. A memory-0 op
/// goes through the cached base and length with 32-bit addresses; its twin
/// (`I32LoadMem`) through its memory (`memory_at`), with 64-bit addresses
/// for a 64-bit memory.
macro_rules! access {
    ($r:ident, $cx:ident, $Op:ident, $o:ident, $i:literal, $n:expr) => {{
        let (mem, offset) = $o.memarg();
        if const { Opcode::$Op.memory0_op().is_none() } {
            let addr = src!($r, $Op, $o.addr, $i, get_u32);
            $r.mem_base.add(bulk::access($cx.mem_len, addr, offset as u32, $n)?)
        } else {
            let (base, len) = memory_at(&$r, $cx, mem);
            let addr = get!($r, $o.addr);
            let addr = if mem.is64() { addr.get_u64() } else { addr.get_u32() as u64 };
            base.add(bulk::access64(len, addr, offset, $n)?)
        }
    }};
}

/// `dst = load(addr + offset)`.
macro_rules! load {
    ($r:ident, $cx:ident, $Op:ident, $n:literal, |$b:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let p = access!($r, $cx, $Op, o, 1, $n);
        let $b: [u8; $n] = core::ptr::read_unaligned(p as *const [u8; $n]);
        produce!($r, $Op, o, $e);
    }};
}

/// `store(addr + offset, value)`.
macro_rules! store {
    ($r:ident, $cx:ident, $Op:ident, $n:literal, |$v:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let p = access!($r, $cx, $Op, o, 0, $n);
        let $v = ValRaw(src!($r, $Op, o.value, 1, get_u64));
        let bytes: [u8; $n] = $e;
        core::ptr::write_unaligned(p as *mut [u8; $n], bytes);
    }};
}

/// Jumps to `o.target` when `$cond` holds.
macro_rules! branch_if {
    ($r:ident, $cx:ident, $o:ident, $cond:expr) => {
        if $cond {
            no_fold();
            $r.ip = $cx.code.add($o.target.pos());
        }
    };
}

/// Is `$Op` a call that counts the callee's calls (`Form::Hot`)?
macro_rules! hot {
    ($Op:ident) => {
        matches!(Opcode::$Op.form(), Form::Hot)
    };
}

/// A direct call of a defined function.
macro_rules! call {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = $cx.vmctx.add(o.offset as usize) as *const VMFuncRef;
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args.index())?;
    }};
}

/// A call of an imported function, through its pointer in the VMContext.
macro_rules! call_imported {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = *($cx.vmctx.add(o.offset as usize) as *const *const VMFuncRef);
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args.index())?;
    }};
}

/// `call_indirect`: bounds, null and signature checks, then the call.
macro_rules! call_indirect {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = indirect_callee($cx, o.table, get!($r, o.index).get_u32(), o.sig)?;
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args.index())?;
    }};
}

/// `call_ref`: a null check, then the call.
macro_rules! call_ref {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = ref_callee(get!($r, o.callee))?;
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args.index())?;
    }};
}

/// The condition of op `$Op` (`Opcode::cond`), a constant.
macro_rules! cond {
    ($Op:ident) => {
        const { Opcode::$Op.cond().expect("a comparison has a condition") }
    };
}

/// Jumps when `lhs <cond> rhs` (`Cond::$holds`).
macro_rules! br_cmp {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, $holds:ident) => {{
        let o = operands!($r, $Op);
        branch_if!($r, $cx, o, cond!($Op).$holds(src!($r, $Op, o.lhs, 0, $get), get!($r, o.rhs).$get()));
    }};
}

/// `dst = lhs <cond> rhs` (`Cond::$holds`).
macro_rules! cmp {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, $holds:ident) => {{
        let o = operands!($r, $Op);
        let v = cond!($Op).$holds(src!($r, $Op, o.lhs, 1, $get), get!($r, o.rhs).$get());
        produce!($r, $Op, o, ValRaw(v as u64));
    }};
}

/// `lhs += imm` (`imm`) or `lhs += step` (`step`), then jumps when the new
/// `lhs <cond> rhs`.
macro_rules! br_add {
    ($r:ident, $cx:ident, $Op:ident, $by:ident) => {{
        let o = operands!($r, $Op);
        let x = ValRaw::i32(get!($r, o.lhs).get_i32().wrapping_add(add_step!($r, o, $by)));
        set!($r, o.lhs, x);
        // Unused after a branch, but writing it frees its register.
        $r.acc = x.0;
        branch_if!($r, $cx, o, cond!($Op).holds_i32(x.get_i32(), get!($r, o.rhs).get_i32()));
    }};
}

/// The amount `br_add!` adds: the immediate or the `step` slot.
macro_rules! add_step {
    ($r:ident, $o:ident, imm) => {
        $o.imm as i32
    };
    ($r:ident, $o:ident, step) => {
        get!($r, $o.step).get_i32()
    };
}

/// Jumps when `lhs & rhs` is non-zero (`Cond::Nz`) or zero (`Cond::Z`).
macro_rules! br_and {
    ($r:ident, $cx:ident, $Op:ident, $get:ident) => {{
        let o = operands!($r, $Op);
        let v = (src!($r, $Op, o.lhs, 0, $get) & get!($r, o.rhs).$get()) as u64;
        branch_if!($r, $cx, o, cond!($Op).holds_u64(v, 0));
    }};
}

/// Jumps when `cond` is non-zero (`Cond::Nz`) or zero (`Cond::Z`).
macro_rules! br_cond {
    ($r:ident, $cx:ident, $Op:ident, $get:ident) => {{
        let o = operands!($r, $Op);
        branch_if!($r, $cx, o, cond!($Op).holds_u64(src!($r, $Op, o.cond, 0, $get) as u64, 0));
    }};
}

/// `Call`/`CallHot`: `enter_fast`, else the general handler from the start.
macro_rules! fast_call {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let at = $r.ip;
        let o = operands!($r, $Op);
        let callee = $cx.vmctx.add(o.offset as usize) as *const VMFuncRef;
        if !enter_fast::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args.index()) {
            return slow::$Op::<LOOP>(at, $r.sp, $r.mem_base, $r.table, $cx, $r.acc, $r.acc_f64, $r.acc_f32);
        }
        dispatch!($r, $cx)
    }};
}

/// `CallIndirect`/`CallIndirectHot`: when the checks pass, `enter_fast`;
/// else (traps included) the general handler from the start.
macro_rules! fast_call_indirect {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let at = $r.ip;
        let o = operands!($r, $Op);
        if let Ok(callee) = indirect_callee($cx, o.table, get!($r, o.index).get_u32(), o.sig)
            && enter_fast::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args.index())
        {
            dispatch!($r, $cx)
        }
        return slow::$Op::<LOOP>(at, $r.sp, $r.mem_base, $r.table, $cx, $r.acc, $r.acc_f64, $r.acc_f32);
    }};
}

/// `HotLoop`: counts an iteration down the budget (`batch`); charging the
/// batch is out of line, so this path saves no registers (it was 12 pushes
/// and pops).
macro_rules! hot_loop {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let _ = operands!($r, $Op);
        $cx.loop_budget -= 1;
        if $cx.loop_budget == 0 {
            return hot_loop_reached::<LOOP>($r.ip, $r.sp, $r.mem_base, $r.table, $cx, $r.acc, $r.acc_f64, $r.acc_f32);
        }
        dispatch!($r, $cx)
    }};
}

/// The `v128` in slots `s` and `s + 1` (low half first), as
/// `tandem_vm_core::simd::V`: its 16 bytes, read in one unaligned move (the
/// cells are 8-byte aligned only).
macro_rules! vget {
    ($r:ident, $s:expr) => {{
        let p = $r.sp.add(Slot::index($s));
        #[cfg(target_endian = "little")]
        {
            (p as *const tandem_vm_core::simd::V).read_unaligned()
        }
        #[cfg(not(target_endian = "little"))]
        {
            tandem_vm_core::simd::from_bits((((*p.add(1)).0 as u128) << 64) | (*p).0 as u128)
        }
    }};
}

/// Stores a `v128` (`tandem_vm_core::simd::V`) in slots `s` and `s + 1`
/// (low half first).
macro_rules! vset {
    ($r:ident, $s:expr, $v:expr) => {{
        let v: tandem_vm_core::simd::V = $v;
        let p = $r.sp.add(Slot::index($s));
        #[cfg(target_endian = "little")]
        {
            (p as *mut tandem_vm_core::simd::V).write_unaligned(v);
        }
        #[cfg(not(target_endian = "little"))]
        {
            let v = tandem_vm_core::simd::bits(v);
            *p = ValRaw(v as u64);
            *p.add(1) = ValRaw((v >> 64) as u64);
        }
    }};
}
