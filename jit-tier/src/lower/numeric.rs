//! Lowering of arithmetic, comparisons and conversions.

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    /// `i64.add128` (`add`) or `i64.sub128` of the (low, high) pairs in
    /// slots `a` and `b`: the low half to `dst`, the high half to the next
    /// slot.
    pub(super) fn wide128(&mut self, dst: Slot, a: [Slot; 2], b: [Slot; 2], add: bool) -> Lowered {
        let (al, ah, bl, bh) = (self.get(a[0], I64)?, self.get(a[1], I64)?, self.get(b[0], I64)?, self.get(b[1], I64)?);
        let x = self.b.ins().iconcat(al, ah);
        let y = self.b.ins().iconcat(bl, bh);
        let r = if add { self.b.ins().iadd(x, y) } else { self.b.ins().isub(x, y) };
        let (lo, hi) = self.b.ins().isplit(r);
        self.set(dst, I64, lo);
        self.set(Slot(dst.0 + 1), I64, hi);
        Ok(())
    }

    /// `i64.mul_wide_s` (`signed`) or `_u`: the low half of the 128-bit
    /// product to `dst`, the high half to the next slot.
    pub(super) fn mul_wide(&mut self, dst: Slot, lhs: Slot, rhs: Slot, signed: bool) -> Lowered {
        let (x, y) = (self.get(lhs, I64)?, self.get(rhs, I64)?);
        let lo = self.b.ins().imul(x, y);
        let hi = if signed { self.b.ins().smulhi(x, y) } else { self.b.ins().umulhi(x, y) };
        self.set(dst, I64, lo);
        self.set(Slot(dst.0 + 1), I64, hi);
        Ok(())
    }

    /// Wasm `min` (or `max`) of scalar floats of class `c`, with the
    /// interpreter's NaN on x86-64 (`with_nan_sum`).
    pub(super) fn min_max(&mut self, dst: Slot, lhs: Slot, rhs: Slot, c: Cls, max: bool) -> Lowered {
        let (x, y) = (self.get(lhs, c)?, self.get(rhs, c)?);
        let r = if max { self.b.ins().fmax(x, y) } else { self.b.ins().fmin(x, y) };
        let v = if X86 { self.with_nan_sum(x, y, r, ir(c)) } else { r };
        self.set(dst, c, v);
        Ok(())
    }

    pub(super) fn bin(
        &mut self,
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
        c: Cls,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value,
    ) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let v = f(&mut self.b, x, y);
        self.set(dst, c, v);
        Ok(())
    }

    pub(super) fn un(
        &mut self,
        dst: Slot,
        src: Slot,
        from: Cls,
        to: Cls,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value,
    ) -> Lowered {
        let x = self.get(src, from)?;
        let v = f(&mut self.b, x);
        self.set(dst, to, v);
        Ok(())
    }

    pub(super) fn icmp(&mut self, dst: Slot, lhs: Slot, rhs: Slot, c: Cls, cc: IntCC) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().icmp(cc, x, y);
        let r = self.b.ins().uextend(types::I32, r);
        self.set(dst, I32, r);
        Ok(())
    }

    pub(super) fn fcmp(&mut self, dst: Slot, lhs: Slot, rhs: Slot, c: Cls, cc: FloatCC) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().fcmp(cc, x, y);
        let r = self.b.ins().uextend(types::I32, r);
        self.set(dst, I32, r);
        Ok(())
    }

    /// `dst = select(cond, a, b)` of class `c`.
    pub(super) fn select(&mut self, dst: Slot, cond: Slot, a: Slot, b: Slot, c: Cls) -> Lowered {
        let k = self.get(cond, I32)?;
        let x = self.get(a, c)?;
        let y = self.get(b, c)?;
        let v = self.b.ins().select(k, x, y);
        self.set(dst, c, v);
        Ok(())
    }

    /// `dst = src` of float type `t` (`F32`, `F64` or a vector of them)
    /// with NaNs (lanes) replaced by the canonical NaN (`F32CanonNan`...).
    pub(super) fn canon_nan(&mut self, dst: Slot, src: Slot, t: Type) -> Lowered {
        let c = if t.is_vector() {
            V128
        } else if t == types::F32 {
            F32
        } else {
            F64
        };
        let v = self.get(src, c)?;
        let x = if t.is_vector() { self.vec(v, t) } else { v };
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        let canon = if t.lane_type() == types::F32 {
            self.b.ins().f32const(Ieee32::with_bits(0x7fc0_0000))
        } else {
            self.b.ins().f64const(Ieee64::with_bits(0x7ff8_0000_0000_0000))
        };
        let r = if t.is_vector() {
            let canon = self.b.ins().splat(t, canon);
            let (nan, canon) = (self.bytes(nan), self.bytes(canon));
            self.b.ins().bitselect(nan, canon, v)
        } else {
            self.b.ins().select(nan, canon, x)
        };
        self.set(dst, c, r);
        Ok(())
    }

    /// Integer division and remainder with the wasm traps checked first.
    pub(super) fn div(&mut self, dst: Slot, lhs: Slot, rhs: Slot, c: Cls, signed: bool, rem: bool) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.trap_if(zero, TrapCode::IntegerDivisionByZero);
        let t = ir(c);
        let v = if signed {
            let minus1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
            if rem {
                // x % -1 == 0; keep the hardware from seeing MIN % -1.
                let one = self.b.ins().iconst(t, 1);
                let y = self.b.ins().select(minus1, one, y);
                self.b.ins().srem(x, y)
            } else {
                let min = if c == I32 { i32::MIN as i64 } else { i64::MIN };
                let is_min = self.b.ins().icmp_imm_s(IntCC::Equal, x, min);
                let ovf = self.b.ins().band(is_min, minus1);
                self.trap_if(ovf, TrapCode::IntegerOverflow);
                self.b.ins().sdiv(x, y)
            }
        } else if rem {
            self.b.ins().urem(x, y)
        } else {
            self.b.ins().udiv(x, y)
        };
        self.set(dst, c, v);
        Ok(())
    }

    /// Trapping float -> int conversion (the interpreter's `num::*_trunc_*`
    /// bounds: exclusive `lo`, or inclusive with `lo_inclusive`).
    pub(super) fn trunc(&mut self, dst: Slot, src: Slot, from: Cls, to: Cls, signed: bool) -> Lowered {
        let x = self.get(src, from)?;
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if(nan, TrapCode::BadConversionToInteger);
        let wide = if from == F32 { self.b.ins().fpromote(types::F64, x) } else { x };
        let (lo, hi, lo_inclusive) = match (to, signed) {
            (I32, true) => (-2147483649.0, 2147483648.0, false),
            (I32, false) => (-1.0, 4294967296.0, false),
            (_, true) => (-9223372036854775808.0, 9223372036854775808.0, true),
            (_, false) => (-1.0, 18446744073709551616.0, false),
        };
        let lo = self.b.ins().f64const(lo);
        let hi = self.b.ins().f64const(hi);
        let lo_cc = if lo_inclusive { FloatCC::LessThan } else { FloatCC::LessThanOrEqual };
        let below = self.b.ins().fcmp(lo_cc, wide, lo);
        let above = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, wide, hi);
        let out = self.b.ins().bor(below, above);
        self.trap_if(out, TrapCode::IntegerOverflow);
        let v =
            if signed { self.b.ins().fcvt_to_sint_sat(ir(to), x) } else { self.b.ins().fcvt_to_uint_sat(ir(to), x) };
        self.set(dst, to, v);
        Ok(())
    }
}

/// The Cranelift condition of an integer comparison.
pub(super) fn int_cc(cond: Option<Cond>) -> Result<IntCC, CompileError> {
    Ok(match cond {
        Some(Cond::Eq | Cond::Z) => IntCC::Equal,
        Some(Cond::Ne | Cond::Nz) => IntCC::NotEqual,
        Some(Cond::LtS) => IntCC::SignedLessThan,
        Some(Cond::LtU) => IntCC::UnsignedLessThan,
        Some(Cond::GtS) => IntCC::SignedGreaterThan,
        Some(Cond::GtU) => IntCC::UnsignedGreaterThan,
        Some(Cond::LeS) => IntCC::SignedLessThanOrEqual,
        Some(Cond::LeU) => IntCC::UnsignedLessThanOrEqual,
        Some(Cond::GeS) => IntCC::SignedGreaterThanOrEqual,
        Some(Cond::GeU) => IntCC::UnsignedGreaterThanOrEqual,
        other => return Err(err(format!("{other:?} is not an integer condition"))),
    })
}

/// The Cranelift condition of a float comparison, and whether the branch
/// is taken when it is false (`NotLt`...: true with a NaN operand).
pub(super) fn float_cc(cond: Option<Cond>) -> Result<(FloatCC, bool), CompileError> {
    Ok(match cond {
        Some(Cond::Eq) => (FloatCC::Equal, false),
        Some(Cond::Ne) => (FloatCC::NotEqual, false),
        Some(Cond::Lt) => (FloatCC::LessThan, false),
        Some(Cond::Gt) => (FloatCC::GreaterThan, false),
        Some(Cond::Le) => (FloatCC::LessThanOrEqual, false),
        Some(Cond::Ge) => (FloatCC::GreaterThanOrEqual, false),
        Some(Cond::NotLt) => (FloatCC::LessThan, true),
        Some(Cond::NotGt) => (FloatCC::GreaterThan, true),
        Some(Cond::NotLe) => (FloatCC::LessThanOrEqual, true),
        Some(Cond::NotGe) => (FloatCC::GreaterThanOrEqual, true),
        other => return Err(err(format!("{other:?} is not a float condition"))),
    })
}
