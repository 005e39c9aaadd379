//! Lowering of the SIMD ops, generated from the op list
//! (`for_each_simd!`) by shape, as the interpreter's handlers are. A `v128`
//! is one `I8X16` variable of the slot of its low cell.
//!
//! Memory accesses are lowered here (bounds checks as for scalar loads and
//! stores). The computation of an op is Cranelift's vector instructions
//! where `native` has them (integer lane arithmetic, bitwise ops,
//! comparisons, lane moves, shuffles, conversions without NaN choices);
//! every other op calls the builtin `simd_op`, which runs the interpreter's
//! own function for it, so the two tiers cannot differ on those (float
//! min/max, rounding, the relaxed ops, which choose NaNs or fused rounding).

use super::*;
use cranelift_codegen::ir::Endianness;
use tandem_vm_core::bytecode::Opcode;

/// The scalar operand of a shape: its class.
fn scalar_cls(t: &str) -> Cls {
    match t {
        "i64" => I64,
        "f32" => F32,
        "f64" => F64,
        _ => I32,
    }
}

/// The lane type an op works on, from its name (`I16x8Add` -> `I16X8`);
/// `V128` ops are bytewise.
fn lane_type(op: Opcode) -> Type {
    match op.name().get(..5) {
        Some("I16x8") => types::I16X8,
        Some("I32x4") => types::I32X4,
        Some("I64x2") => types::I64X2,
        Some("F32x4") => types::F32X4,
        Some("F64x2") => types::F64X2,
        _ => types::I8X16,
    }
}

/// The operands of one SIMD op and how it is lowered.
macro_rules! simd_lower {
    ($l:ident, $op:ident, $name:ident, Load,) => {{
        let BaseOp::$name { dst, addr, offset } = $op else { return Err(err("shape")) };
        let v = $l.simd_load(Opcode::$name, addr, offset)?;
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, Store,) => {{
        let BaseOp::$name { addr, value, offset } = $op else { return Err(err("shape")) };
        let v = $l.get(value, V128)?;
        let (p, off) = $l.addr(addr, offset, 16, true)?;
        $l.b.ins().store(guest(), v, p, off);
    }};
    ($l:ident, $op:ident, $name:ident, LoadLane, $n:literal) => {{
        let BaseOp::$name { dst, addr, src, offset, lane } = $op else { return Err(err("shape")) };
        let v = $l.get(src, V128)?;
        let (p, off) = $l.addr(addr, offset, 16 / $n, false)?;
        let t = lane_type_of($n);
        let x = $l.b.ins().load(t.lane_type(), guest(), p, off);
        let v = $l.vec(v, t);
        let r = $l.b.ins().insertlane(v, x, lane.0 & ($n - 1));
        let r = $l.bytes(r);
        $l.set(dst, V128, r);
    }};
    ($l:ident, $op:ident, $name:ident, StoreLane, $n:literal) => {{
        let BaseOp::$name { addr, value, offset, lane } = $op else { return Err(err("shape")) };
        let v = $l.get(value, V128)?;
        let t = lane_type_of($n);
        let x = $l.vec(v, t);
        let x = $l.b.ins().extractlane(x, lane.0 & ($n - 1));
        let (p, off) = $l.addr(addr, offset, 16 / $n, true)?;
        $l.b.ins().store(guest(), x, p, off);
    }};
    ($l:ident, $op:ident, $name:ident, Const,) => {{
        let BaseOp::$name { dst, imm } = $op else { return Err(err("shape")) };
        let c = $l.b.func.dfg.constants.insert(imm.to_le_bytes().to_vec().into());
        let v = $l.b.ins().vconst(types::I8X16, c);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, Shuffle,) => {{
        let BaseOp::$name { dst, lhs, rhs, imm } = $op else { return Err(err("shape")) };
        let x = $l.get(lhs, V128)?;
        let y = $l.get(rhs, V128)?;
        // Lanes were validated (< 32); masked anyway, as the interpreter does.
        let lanes: Vec<u8> = imm.to_le_bytes().iter().map(|l| l & 31).collect();
        let mask = $l.b.func.dfg.immediates.push(lanes.into());
        let v = $l.b.ins().shuffle(x, y, mask);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, Unary,) => {{
        let BaseOp::$name { dst, src } = $op else { return Err(err("shape")) };
        let x = $l.get(src, V128)?;
        let v = $l.simd_value(Opcode::$name, &[x], None, 0);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, UnaryF,) => {
        simd_lower!($l, $op, $name, Unary,)
    };
    ($l:ident, $op:ident, $name:ident, Binary,) => {{
        let BaseOp::$name { dst, lhs, rhs } = $op else { return Err(err("shape")) };
        let x = $l.get(lhs, V128)?;
        let y = $l.get(rhs, V128)?;
        let v = $l.simd_value(Opcode::$name, &[x, y], None, 0);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, BinaryF,) => {
        simd_lower!($l, $op, $name, Binary,)
    };
    ($l:ident, $op:ident, $name:ident, Ternary,) => {{
        let BaseOp::$name { dst, a, b, c } = $op else { return Err(err("shape")) };
        let x = $l.get(a, V128)?;
        let y = $l.get(b, V128)?;
        let z = $l.get(c, V128)?;
        let v = $l.simd_value(Opcode::$name, &[x, y, z], None, 0);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, Test,) => {{
        let BaseOp::$name { dst, src } = $op else { return Err(err("shape")) };
        let x = $l.get(src, V128)?;
        let v = $l.simd_scalar(Opcode::$name, x, 0, I32);
        $l.set(dst, I32, v);
    }};
    ($l:ident, $op:ident, $name:ident, Shift,) => {{
        let BaseOp::$name { dst, lhs, rhs } = $op else { return Err(err("shape")) };
        let x = $l.get(lhs, V128)?;
        let s = $l.get(rhs, I32)?;
        let v = $l.simd_value(Opcode::$name, &[x], Some((s, I32)), 0);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, Splat, $t:ident) => {{
        let BaseOp::$name { dst, src } = $op else { return Err(err("shape")) };
        let c = scalar_cls(stringify!($t));
        let s = $l.get(src, c)?;
        let v = $l.simd_value(Opcode::$name, &[], Some((s, c)), 0);
        $l.set(dst, V128, v);
    }};
    ($l:ident, $op:ident, $name:ident, Extract, $t:ident $n:literal) => {{
        let BaseOp::$name { dst, src, lane } = $op else { return Err(err("shape")) };
        let c = scalar_cls(stringify!($t));
        let x = $l.get(src, V128)?;
        let v = $l.simd_scalar(Opcode::$name, x, lane.0, c);
        $l.set(dst, c, v);
    }};
    ($l:ident, $op:ident, $name:ident, Replace, $t:ident $n:literal) => {{
        let BaseOp::$name { dst, lhs, rhs, lane } = $op else { return Err(err("shape")) };
        let c = scalar_cls(stringify!($t));
        let x = $l.get(lhs, V128)?;
        let s = $l.get(rhs, c)?;
        let v = $l.simd_value(Opcode::$name, &[x], Some((s, c)), lane.0);
        $l.set(dst, V128, v);
    }};
}

/// The integer vector type of `n` lanes.
fn lane_type_of(n: u32) -> Type {
    match n {
        16 => types::I8X16,
        8 => types::I16X8,
        4 => types::I32X4,
        _ => types::I64X2,
    }
}

macro_rules! simd_ops {
    ($($name:ident $f:ident $shape:ident ($($x:tt)*);)*) => {
        impl Lower<'_, '_> {
            /// Lowers SIMD op `op`.
            pub(super) fn simd(&mut self, op: BaseOp) -> Lowered {
                match op {
                    $( BaseOp::$name { .. } => simd_lower!(self, op, $name, $shape, $($x)*), )*
                    _ => return Err(err("not a SIMD op")),
                }
                Ok(())
            }
        }
    };
}
tandem_vm_core::for_each_simd!(simd_ops);

/// Byte order of vector bitcasts (wasm lanes are little endian).
fn lanes_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl Lower<'_, '_> {
    /// Vector `v` seen as vector type `t`.
    pub(super) fn vec(&mut self, v: Value, t: Type) -> Value {
        if self.b.func.dfg.value_type(v) == t { v } else { self.b.ins().bitcast(t, lanes_flags(), v) }
    }

    /// A vector of any type as the `I8X16` the variables hold.
    pub(super) fn bytes(&mut self, v: Value) -> Value {
        self.vec(v, types::I8X16)
    }

    /// The bits of scalar `s` of class `c` as an `i64` (a `ValRaw`).
    fn scalar_bits(&mut self, s: Value, c: Cls) -> Value {
        match c {
            I32 => self.b.ins().uextend(types::I64, s),
            F32 => {
                let bits = self.b.ins().bitcast(types::I32, MemFlagsData::new(), s);
                self.b.ins().uextend(types::I64, bits)
            }
            F64 => self.b.ins().bitcast(types::I64, MemFlagsData::new(), s),
            I64 | V128 => s,
        }
    }

    /// A multiply-then-add op (`F32x4MulAdd`...; `Opcode::mul_then`): the
    /// product of `a` and `b`, then the second op of it and `c` or of `c`
    /// and it, each as its own op lowers.
    pub(super) fn mul_then(&mut self, op: Opcode, dst: Slot, [a, b, c]: [Slot; 3]) -> Lowered {
        let (mul, then, product_first) = op.mul_then().ok_or_else(|| err("not a multiply-then-add op"))?;
        let (x, y, z) = (self.get(a, V128)?, self.get(b, V128)?, self.get(c, V128)?);
        let p = self.simd_value(mul, &[x, y], None, 0);
        let operands = if product_first { [p, z] } else { [z, p] };
        let v = self.simd_value(then, &operands, None, 0);
        self.set(dst, V128, v);
        Ok(())
    }

    /// A test-and-branch op (`BrV128AnyTrueNz`...; `Opcode::branch_test`):
    /// the vector test of `src`, and the branch to `target` taken when the
    /// result compares to 0 by the op's condition.
    pub(super) fn br_test(&mut self, op: Opcode, src: Slot, target: Target) -> Lowered {
        let test = op.branch_test().ok_or_else(|| err("not a test-and-branch op"))?;
        let cc = int_cc(op.cond())?;
        let x = self.get(src, V128)?;
        let t = self.simd_scalar(test, x, 0, I32);
        let r = self.b.ins().icmp_imm_s(cc, t, 0);
        self.br_if(r, target);
        Ok(())
    }

    /// The `v128` result of op `op` on `vecs`, the scalar operand and the
    /// lane immediate: Cranelift's instructions where `native` has them,
    /// else a call of `simd_op`.
    pub(super) fn simd_value(&mut self, op: Opcode, vecs: &[Value], scalar: Option<(Value, Cls)>, lane: u8) -> Value {
        if let Some(v) = self.native(op, vecs, scalar, lane) {
            return self.bytes(v);
        }
        let buf = self.simd_call(op, vecs, scalar, lane);
        self.b.ins().load(types::I8X16, trusted(), buf, 0)
    }

    /// The scalar result (of class `c`) of op `op` on `v` and the lane
    /// immediate: `Test` and `Extract` shapes.
    pub(super) fn simd_scalar(&mut self, op: Opcode, v: Value, lane: u8, c: Cls) -> Value {
        if let Some(r) = self.native_scalar(op, v, lane, c) {
            return r;
        }
        let buf = self.simd_call(op, &[v], None, lane);
        let bits = self.b.ins().load(types::I64, trusted(), buf, 0);
        match c {
            I32 => self.b.ins().ireduce(types::I32, bits),
            F32 => {
                let w = self.b.ins().ireduce(types::I32, bits);
                self.b.ins().bitcast(types::F32, MemFlagsData::new(), w)
            }
            F64 => self.b.ins().bitcast(types::F64, MemFlagsData::new(), bits),
            I64 | V128 => bits,
        }
    }

    /// Calls `simd_op` for `op`; returns the buffer holding its result.
    fn simd_call(&mut self, op: Opcode, vecs: &[Value], scalar: Option<(Value, Cls)>, lane: u8) -> Value {
        let ss = match self.simd_buf {
            Some(ss) => ss,
            None => {
                let ss = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 48, 4));
                self.simd_buf = Some(ss);
                ss
            }
        };
        let buf = self.b.ins().stack_addr(PTR, ss, 0);
        for (i, &v) in vecs.iter().enumerate() {
            self.b.ins().store(trusted(), v, buf, 16 * i as i32);
        }
        let s = match scalar {
            Some((s, c)) => self.scalar_bits(s, c),
            None => self.b.ins().iconst(types::I64, 0),
        };
        let opv = self.b.ins().iconst(types::I32, op as u16 as i64);
        let lanev = self.b.ins().iconst(types::I32, i64::from(lane));
        self.builtin(
            builtins::simd_op as *const () as usize,
            &[types::I32, PTR, types::I64, types::I32],
            None,
            &[opv, buf, s, lanev],
        );
        buf
    }

    /// Loads of the `Load` shape: the bytes the op reads, then its
    /// computation on them.
    fn simd_load(&mut self, op: Opcode, addr: Slot, offset: u32) -> Result<Value, CompileError> {
        use Opcode as O;
        let size = match op.memory_use() {
            Some(MemUse::Load(n)) => n as u32,
            _ => return Err(err("not a SIMD load")),
        };
        let (p, off) = self.addr(addr, offset, size, false)?;
        if size == 16 {
            return Ok(self.b.ins().load(types::I8X16, guest(), p, off));
        }
        let splat = |t: Type| Some(t);
        let splat_ty = match op {
            O::V128Load8Splat => splat(types::I8X16),
            O::V128Load16Splat => splat(types::I16X8),
            O::V128Load32Splat => splat(types::I32X4),
            O::V128Load64Splat => splat(types::I64X2),
            _ => None,
        };
        if let Some(t) = splat_ty {
            let x = self.b.ins().load(t.lane_type(), guest(), p, off);
            let v = self.b.ins().splat(t, x);
            return Ok(self.bytes(v));
        }
        // The low `size` bytes, the rest zero.
        let x = match size {
            8 => self.b.ins().load(types::I64, guest(), p, off),
            _ => self.b.ins().uload32(guest(), p, off),
        };
        let low = self.b.ins().scalar_to_vector(types::I64X2, x);
        let widen = match op {
            O::V128Load8x8S | O::V128Load8x8U => Some(types::I8X16),
            O::V128Load16x4S | O::V128Load16x4U => Some(types::I16X8),
            O::V128Load32x2S | O::V128Load32x2U => Some(types::I32X4),
            _ => None,
        };
        if let Some(t) = widen {
            let a = self.vec(low, t);
            let w = self.widen(a, false, op.name().ends_with('S'));
            return Ok(self.bytes(w));
        }
        let v = match op {
            O::V128Load32Zero | O::V128Load64Zero => Some(low),
            _ => None,
        };
        Ok(match v {
            Some(v) => self.bytes(v),
            None => {
                let bytes = self.bytes(low);
                let buf = self.simd_call(op, &[bytes], None, 0);
                self.b.ins().load(types::I8X16, trusted(), buf, 0)
            }
        })
    }
}

impl Lower<'_, '_> {
    /// Op `op` in Cranelift's vector instructions, where they compute
    /// exactly what `tandem_vm_core::simd` does; `None` for the others.
    fn native(&mut self, op: Opcode, v: &[Value], scalar: Option<(Value, Cls)>, lane: u8) -> Option<Value> {
        use Opcode as O;
        let t = lane_type(op);
        // The operands as vectors of the op's lane type.
        let x = v.first().map(|&a| self.vec(a, t));
        let y = v.get(1).map(|&a| self.vec(a, t));
        macro_rules! bin {
            ($f:ident) => {{ self.b.ins().$f(x?, y?) }};
        }
        macro_rules! un {
            ($f:ident) => {{ self.b.ins().$f(x?) }};
        }
        macro_rules! icmp {
            ($cc:ident) => {{ self.b.ins().icmp(IntCC::$cc, x?, y?) }};
        }
        macro_rules! fcmp {
            ($cc:ident) => {{ self.b.ins().fcmp(FloatCC::$cc, x?, y?) }};
        }
        Some(match op {
            O::I8x16Add | O::I16x8Add | O::I32x4Add | O::I64x2Add => bin!(iadd),
            O::I8x16Sub | O::I16x8Sub | O::I32x4Sub | O::I64x2Sub => bin!(isub),
            O::I16x8Mul | O::I32x4Mul | O::I64x2Mul => bin!(imul),
            O::I8x16AddSatS | O::I16x8AddSatS => bin!(sadd_sat),
            O::I8x16AddSatU | O::I16x8AddSatU => bin!(uadd_sat),
            O::I8x16SubSatS | O::I16x8SubSatS => bin!(ssub_sat),
            O::I8x16SubSatU | O::I16x8SubSatU => bin!(usub_sat),
            O::I8x16MinS | O::I16x8MinS | O::I32x4MinS => bin!(smin),
            O::I8x16MinU | O::I16x8MinU | O::I32x4MinU => bin!(umin),
            O::I8x16MaxS | O::I16x8MaxS | O::I32x4MaxS => bin!(smax),
            O::I8x16MaxU | O::I16x8MaxU | O::I32x4MaxU => bin!(umax),
            O::I8x16AvgrU | O::I16x8AvgrU => bin!(avg_round),
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => bin!(sqmul_round_sat),
            O::I8x16Eq | O::I16x8Eq | O::I32x4Eq | O::I64x2Eq => icmp!(Equal),
            O::I8x16Ne | O::I16x8Ne | O::I32x4Ne | O::I64x2Ne => icmp!(NotEqual),
            O::I8x16LtS | O::I16x8LtS | O::I32x4LtS | O::I64x2LtS => icmp!(SignedLessThan),
            O::I8x16LtU | O::I16x8LtU | O::I32x4LtU => icmp!(UnsignedLessThan),
            O::I8x16GtS | O::I16x8GtS | O::I32x4GtS | O::I64x2GtS => icmp!(SignedGreaterThan),
            O::I8x16GtU | O::I16x8GtU | O::I32x4GtU => icmp!(UnsignedGreaterThan),
            O::I8x16LeS | O::I16x8LeS | O::I32x4LeS | O::I64x2LeS => icmp!(SignedLessThanOrEqual),
            O::I8x16LeU | O::I16x8LeU | O::I32x4LeU => icmp!(UnsignedLessThanOrEqual),
            O::I8x16GeS | O::I16x8GeS | O::I32x4GeS | O::I64x2GeS => icmp!(SignedGreaterThanOrEqual),
            O::I8x16GeU | O::I16x8GeU | O::I32x4GeU => icmp!(UnsignedGreaterThanOrEqual),
            O::F32x4Eq | O::F64x2Eq => fcmp!(Equal),
            O::F32x4Ne | O::F64x2Ne => fcmp!(NotEqual),
            O::F32x4Lt | O::F64x2Lt => fcmp!(LessThan),
            O::F32x4Gt | O::F64x2Gt => fcmp!(GreaterThan),
            O::F32x4Le | O::F64x2Le => fcmp!(LessThanOrEqual),
            O::F32x4Ge | O::F64x2Ge => fcmp!(GreaterThanOrEqual),
            O::V128And => bin!(band),
            O::V128Or => bin!(bor),
            O::V128Xor => bin!(bxor),
            O::V128AndNot => bin!(band_not),
            O::V128Not => un!(bnot),
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => bin!(swizzle),
            // x86's NaN rule is the one `tandem_vm_core::simd` spells out;
            // other targets prefer signalling NaNs, so they call it.
            O::F32x4Add | O::F64x2Add if X86 => bin!(fadd),
            O::F32x4Sub | O::F64x2Sub if X86 => bin!(fsub),
            O::F32x4Mul | O::F64x2Mul if X86 => bin!(fmul),
            O::F32x4Div | O::F64x2Div if X86 => bin!(fdiv),
            O::F32x4Sqrt | O::F64x2Sqrt => un!(sqrt),
            // Rounding: SSE4.1's `roundps` quiets a NaN as
            // `tandem_vm_core::num::f32_ceil` does.
            O::F32x4Ceil | O::F64x2Ceil if X86 => un!(ceil),
            O::F32x4Floor | O::F64x2Floor if X86 => un!(floor),
            O::F32x4Trunc | O::F64x2Trunc if X86 => un!(trunc),
            O::F32x4Nearest | O::F64x2Nearest if X86 => un!(nearest),
            // pmin/pmax select one operand (`y < x ? y : x`, `x < y ? y :
            // x`): no NaN choice.
            O::F32x4PMin | O::F64x2PMin | O::F32x4PMax | O::F64x2PMax => {
                let (x, y) = (x?, y?);
                let (p, q) = if op.name().ends_with("Min") { (y, x) } else { (x, y) };
                let lt = self.b.ins().fcmp(FloatCC::LessThan, p, q);
                let lt = self.vec(lt, t);
                self.b.ins().bitselect(lt, y, x)
            }
            // Wasm min/max with the NaN `tandem_vm_core::num::f32_min`
            // gives: `x + y`, the first NaN operand quieted (x86 only).
            O::F32x4Min | O::F64x2Min | O::F32x4RelaxedMin | O::F64x2RelaxedMin if X86 => {
                let (x, y) = (x?, y?);
                let r = self.b.ins().fmin(x, y);
                self.with_nan_sum(x, y, r, t)
            }
            O::F32x4Max | O::F64x2Max | O::F32x4RelaxedMax | O::F64x2RelaxedMax if X86 => {
                let (x, y) = (x?, y?);
                let r = self.b.ins().fmax(x, y);
                self.with_nan_sum(x, y, r, t)
            }
            O::F32x4DemoteF64x2Zero if X86 => {
                let a = self.vec(v[0], types::F64X2);
                self.b.ins().fvdemote(a)
            }
            O::F64x2PromoteLowF32x4 if X86 => {
                let a = self.vec(v[0], types::F32X4);
                self.b.ins().fvpromote_low(a)
            }
            O::F32x4Abs | O::F64x2Abs => un!(fabs),
            O::F32x4Neg | O::F64x2Neg => un!(fneg),
            O::I8x16Abs | O::I16x8Abs | O::I32x4Abs | O::I64x2Abs => un!(iabs),
            O::I8x16Neg | O::I16x8Neg | O::I32x4Neg | O::I64x2Neg => un!(ineg),
            O::I8x16Popcnt => un!(popcnt),
            O::I8x16NarrowI16x8S | O::I8x16NarrowI16x8U | O::I16x8NarrowI32x4S | O::I16x8NarrowI32x4U => {
                // The operands are of the wider type.
                let w = if t == types::I8X16 { types::I16X8 } else { types::I32X4 };
                let (a, b) = (self.vec(v[0], w), self.vec(v[1], w));
                if matches!(op, O::I8x16NarrowI16x8S | O::I16x8NarrowI32x4S) {
                    self.b.ins().snarrow(a, b)
                } else {
                    self.b.ins().unarrow(a, b)
                }
            }
            O::I16x8ExtendLowI8x16S
            | O::I16x8ExtendHighI8x16S
            | O::I16x8ExtendLowI8x16U
            | O::I16x8ExtendHighI8x16U
            | O::I32x4ExtendLowI16x8S
            | O::I32x4ExtendHighI16x8S
            | O::I32x4ExtendLowI16x8U
            | O::I32x4ExtendHighI16x8U
            | O::I64x2ExtendLowI32x4S
            | O::I64x2ExtendHighI32x4S
            | O::I64x2ExtendLowI32x4U
            | O::I64x2ExtendHighI32x4U => {
                let a = self.vec(v[0], narrow_of(t));
                let name = op.name();
                let (high, signed) = (name.contains("High"), name.ends_with('S'));
                self.widen(a, high, signed)
            }
            O::I16x8ExtMulLowI8x16S
            | O::I16x8ExtMulHighI8x16S
            | O::I16x8ExtMulLowI8x16U
            | O::I16x8ExtMulHighI8x16U
            | O::I32x4ExtMulLowI16x8S
            | O::I32x4ExtMulHighI16x8S
            | O::I32x4ExtMulLowI16x8U
            | O::I32x4ExtMulHighI16x8U
            | O::I64x2ExtMulLowI32x4S
            | O::I64x2ExtMulHighI32x4S
            | O::I64x2ExtMulLowI32x4U
            | O::I64x2ExtMulHighI32x4U => {
                let n = narrow_of(t);
                let (a, b) = (self.vec(v[0], n), self.vec(v[1], n));
                let name = op.name();
                let (high, signed) = (name.contains("High"), name.ends_with('S'));
                let a = self.widen(a, high, signed);
                let b = self.widen(b, high, signed);
                self.b.ins().imul(a, b)
            }
            O::I16x8ExtAddPairwiseI8x16S
            | O::I16x8ExtAddPairwiseI8x16U
            | O::I32x4ExtAddPairwiseI16x8S
            | O::I32x4ExtAddPairwiseI16x8U => {
                let a = self.vec(v[0], narrow_of(t));
                let signed = op.name().ends_with('S');
                let lo = self.widen(a, false, signed);
                let hi = self.widen(a, true, signed);
                self.b.ins().iadd_pairwise(lo, hi)
            }
            O::I32x4DotI16x8S => {
                let (a, b) = (self.vec(v[0], types::I16X8), self.vec(v[1], types::I16X8));
                let (al, bl) = (self.widen(a, false, true), self.widen(b, false, true));
                let (ah, bh) = (self.widen(a, true, true), self.widen(b, true, true));
                let lo = self.b.ins().imul(al, bl);
                let hi = self.b.ins().imul(ah, bh);
                self.b.ins().iadd_pairwise(lo, hi)
            }
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                let (a, b, m) = (v[0], v[1], *v.get(2)?);
                self.b.ins().bitselect(m, a, b)
            }
            O::F32x4ConvertI32x4S => {
                let a = self.vec(v[0], types::I32X4);
                self.b.ins().fcvt_from_sint(types::F32X4, a)
            }
            O::F32x4ConvertI32x4U => {
                let a = self.vec(v[0], types::I32X4);
                self.b.ins().fcvt_from_uint(types::F32X4, a)
            }
            O::F64x2ConvertLowI32x4S | O::F64x2ConvertLowI32x4U => {
                let a = self.vec(v[0], types::I32X4);
                let signed = op == O::F64x2ConvertLowI32x4S;
                let w = self.widen(a, false, signed);
                if signed {
                    self.b.ins().fcvt_from_sint(types::F64X2, w)
                } else {
                    self.b.ins().fcvt_from_uint(types::F64X2, w)
                }
            }
            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => {
                let a = self.vec(v[0], types::F32X4);
                self.b.ins().fcvt_to_sint_sat(types::I32X4, a)
            }
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => {
                let a = self.vec(v[0], types::F32X4);
                self.b.ins().fcvt_to_uint_sat(types::I32X4, a)
            }
            O::I8x16Shl | O::I16x8Shl | O::I32x4Shl | O::I64x2Shl => self.shift(x?, scalar?.0, 0),
            O::I8x16ShrS | O::I16x8ShrS | O::I32x4ShrS | O::I64x2ShrS => self.shift(x?, scalar?.0, 1),
            O::I8x16ShrU | O::I16x8ShrU | O::I32x4ShrU | O::I64x2ShrU => self.shift(x?, scalar?.0, 2),
            O::I8x16Splat | O::I16x8Splat | O::I32x4Splat | O::I64x2Splat | O::F32x4Splat | O::F64x2Splat => {
                let s = self.lane_scalar(scalar?.0, t);
                self.b.ins().splat(t, s)
            }
            O::I8x16ReplaceLane
            | O::I16x8ReplaceLane
            | O::I32x4ReplaceLane
            | O::I64x2ReplaceLane
            | O::F32x4ReplaceLane
            | O::F64x2ReplaceLane => {
                let s = self.lane_scalar(scalar?.0, t);
                self.b.ins().insertlane(x?, s, lane & (t.lane_count() as u8 - 1))
            }
            _ => return None,
        })
    }

    /// A scalar result computed with Cranelift's instructions (tests and
    /// lane extraction); `None` where `simd_op` computes it.
    fn native_scalar(&mut self, op: Opcode, v: Value, lane: u8, c: Cls) -> Option<Value> {
        use Opcode as O;
        let t = lane_type(op);
        let x = self.vec(v, t);
        let lane = lane & (t.lane_count() as u8 - 1);
        Some(match op {
            O::V128AnyTrue => {
                let b = self.b.ins().vany_true(x);
                self.b.ins().uextend(types::I32, b)
            }
            O::I8x16AllTrue | O::I16x8AllTrue | O::I32x4AllTrue | O::I64x2AllTrue => {
                let b = self.b.ins().vall_true(x);
                self.b.ins().uextend(types::I32, b)
            }
            O::I8x16Bitmask | O::I16x8Bitmask | O::I32x4Bitmask | O::I64x2Bitmask => {
                self.b.ins().vhigh_bits(types::I32, x)
            }
            O::I8x16ExtractLaneS | O::I16x8ExtractLaneS => {
                let e = self.b.ins().extractlane(x, lane);
                self.b.ins().sextend(types::I32, e)
            }
            O::I8x16ExtractLaneU | O::I16x8ExtractLaneU => {
                let e = self.b.ins().extractlane(x, lane);
                self.b.ins().uextend(types::I32, e)
            }
            O::I32x4ExtractLane | O::I64x2ExtractLane | O::F32x4ExtractLane | O::F64x2ExtractLane => {
                debug_assert_eq!(ir(c), t.lane_type());
                self.b.ins().extractlane(x, lane)
            }
            _ => return None,
        })
    }

    /// `r` (of type `t`, a float or a vector of them) with each value (lane)
    /// where `x` or `y` is a NaN replaced by that of `x + y`: the NaN the
    /// interpreter's min and max give, the first NaN operand quieted
    /// (`tandem_vm_core::num::f32_first_nan`; Cranelift's `fmin` gives
    /// another). x86 only (`X86`).
    pub(super) fn with_nan_sum(&mut self, x: Value, y: Value, r: Value, t: Type) -> Value {
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, y);
        let sum = self.b.ins().fadd(x, y);
        if t.is_vector() {
            let nan = self.vec(nan, t);
            self.b.ins().bitselect(nan, sum, r)
        } else {
            self.b.ins().select(nan, sum, r)
        }
    }

    /// The low or high half of `a`'s lanes, widened (signed or not).
    fn widen(&mut self, a: Value, high: bool, signed: bool) -> Value {
        match (high, signed) {
            (false, true) => self.b.ins().swiden_low(a),
            (true, true) => self.b.ins().swiden_high(a),
            (false, false) => self.b.ins().uwiden_low(a),
            (true, false) => self.b.ins().uwiden_high(a),
        }
    }

    /// A lane shift (`kind`: 0 left, 1 arithmetic right, 2 logical right)
    /// by an `i32` count taken modulo the lane width, as wasm says.
    fn shift(&mut self, x: Value, count: Value, kind: u8) -> Value {
        let bits = self.b.func.dfg.value_type(x).lane_bits();
        let n = self.b.ins().band_imm_s(count, i64::from(bits - 1));
        match kind {
            0 => self.b.ins().ishl(x, n),
            1 => self.b.ins().sshr(x, n),
            _ => self.b.ins().ushr(x, n),
        }
    }

    /// A splat or replace operand as a lane of `t` (narrow integers cut
    /// from their `i32`).
    fn lane_scalar(&mut self, s: Value, t: Type) -> Value {
        let lt = t.lane_type();
        if lt == types::I8 || lt == types::I16 { self.b.ins().ireduce(lt, s) } else { s }
    }
}

/// The vector type with lanes half as wide and twice as many as `t`.
fn narrow_of(t: Type) -> Type {
    match t {
        types::I16X8 => types::I8X16,
        types::I32X4 => types::I16X8,
        _ => types::I32X4,
    }
}
