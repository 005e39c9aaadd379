//! Dispatch: the handler signature, the macros that read operands and define handlers (one per form of every op, `tandem_vm_core::for_each_form!`), the two handler tables (tail calls and loop).

use super::*;

/// An empty `asm!` block, which LLVM must assume has side effects. Two uses:
/// - on the taken side of a conditional branch it keeps a conditional jump.
///   Without it LLVM turns `if c { ip = target }` into a `cmov`, and the
///   next handler's operand reads then wait for the comparison and its slot
///   loads instead of running ahead on the branch predictor's guess: every
///   branch serialised the dispatch chain;
/// - in a short copy loop it stops LLVM from turning the loop into a call of
///   `memcpy`/`memset`, which for a handful of slots costs more than the
///   copy and makes the handler save every callee-saved register.
#[inline(always)]
pub(super) fn no_fold() {
    #[cfg(all(not(miri), any(target_arch = "x86_64", target_arch = "aarch64")))]
    // SAFETY: an empty asm block: no instructions, touches no state.
    unsafe {
        core::arch::asm!("", options(nomem, nostack, preserves_flags))
    };
}

/// How a handler finished.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Done {
    /// The outermost frame returned.
    Returned,
    /// `cx.fault` says why execution stopped.
    Faulted,
    /// Loop dispatch: run the handler for `cx.regs.ip` next.
    Next,
}

pub(super) type Handler =
    unsafe fn(*const u8, *mut ValRaw, *mut u8, &'static HandlerTable, &mut Ctx<'_>, u64, f64, f32) -> Done;

/// Continues with the handler of the instruction at `r.ip`: by a tail
/// call, or (`LOOP`, the handler's const parameter: loop dispatch) by
/// returning to the driver loop in `run`.
macro_rules! dispatch {
    ($r:expr, $cx:expr) => {{
        let r: Regs = $r;
        if LOOP {
            $cx.regs = r;
            return Done::Next;
        }
        // SAFETY: trusted bytecode: `r.ip` is at the opcode of an instruction.
        return unsafe { r.table.at(r.ip)(r.ip, r.sp, r.mem_base, r.table, $cx, r.acc, r.acc_f64, r.acc_f32) };
    }};
}

macro_rules! get {
    ($r:ident, $s:expr) => {
        *$r.sp.add(Slot::index($s))
    };
}

macro_rules! set {
    ($r:ident, $s:expr, $v:expr) => {
        *$r.sp.add(Slot::index($s)) = $v
    };
}

macro_rules! operands {
    ($r:ident, $Op:ident) => {{
        let o = ops::$Op::read($r.ip);
        $r.ip = $r.ip.add(ops::$Op::SIZE);
        o
    }};
}

/// Operand `$s` (slot operand number `$i` of the op, counting slots only)
/// as `ValRaw::$get` gives it: from the accumulator when `Opcode::$Op` reads
/// that operand from one (`Opcode::acc_operand`), else from its slot. The
/// choice is made at compile time, so each form's handler does only its own
/// read.
macro_rules! src {
    ($r:ident, $Op:ident, $s:expr, $i:literal, $get:ident) => {{
        // A typed getter reads the accumulator of its type.
        const {
            assert!(match (Opcode::$Op.acc_operand(), bank_of!($get)) {
                (Some((bank, $i)), Some(want)) => bank as u8 == want as u8,
                _ => true,
            })
        };
        match const { Opcode::$Op.acc_operand() } {
            Some((bank, $i)) => $r.read_acc(bank).$get(),
            _ => get!($r, $s).$get(),
        }
    }};
}

/// The accumulator that holds values of `ValRaw::$get`'s type (`None`:
/// raw bits, of any type).
macro_rules! bank_of {
    (get_f64) => {
        Some(AccBank::F64)
    };
    (get_f32) => {
        Some(AccBank::F32)
    };
    (get_u64) => {
        None::<AccBank>
    };
    ($get:ident) => {
        Some(AccBank::Int)
    };
}

/// Writes a result to its `dst` slot (unless `Opcode::$Op` is a
/// register-result form) and to an accumulator: the one
/// `Opcode::$Op.acc_result()` names, else the integer one. Every op that
/// computes a value writes an accumulator, not only those with
/// `Opcode::acc_result` (the only ones whose accumulator the translator
/// relies on): the integer accumulator's register is then free scratch in
/// every such handler, while keeping it intact would cost some of them a
/// saved register.
macro_rules! produce {
    ($r:ident, $Op:ident, $o:ident, $v:expr) => {{
        let v: ValRaw = $v;
        $r.write_acc(const { Opcode::$Op.acc_result() }, v);
        if const { Opcode::$Op.writes_dst() } {
            set!($r, $o.dst, v);
        }
    }};
}

/// Defines the handlers of the ops of group `$group` (checked at compile
/// time against `Opcode::group`). Before `@raw`, `Name => body;` is the handler of
/// an op without forms: `body` may use `?` on `Result<_, impl Into<Fault>>`,
/// reads and writes registers through `r` and the rest of the state
/// through `cx`. After `@ops`, `A | B | .. => how!(args);` defines the
/// handlers of ops `A`, `B`, .. and of every form of each
/// (`tandem_vm_core::for_each_form!`, generated from the op description),
/// each as `how!(r, cx, Form, args..)`; what a form reads and writes comes
/// from its opcode (`src!`, `produce!`). After `@raw`, the same, but `how!`
/// is a whole handler body that ends by dispatching (or tail calling
/// another handler-shaped function) itself.
macro_rules! handlers {
    (
        $r:ident, $cx:ident, $group:ident;
        $($name:ident => $body:expr;)*
        @raw $($($rname:ident)|+ => $rhow:ident! $rargs:tt;)*
        @ops $($($first:ident)|+ => $how:ident! $args:tt;)*
    ) => {
        // Each op's handler lives in the file of its group in the op
        // description (`Opcode::group`), so a reader finds it by name.
        $($(
            const _: () = assert!(
                matches!(Opcode::$first.group(), Group::$group),
                concat!(stringify!($first), " belongs to another group's file"),
            );
        )+)*
        $($(
            const _: () = assert!(
                matches!(Opcode::$rname.group(), Group::$group),
                concat!(stringify!($rname), " belongs to another group's file"),
            );
        )+)*
        $(
            const _: () = assert!(
                matches!(Opcode::$name.group(), Group::$group),
                concat!(stringify!($name), " belongs to another group's file"),
            );
        )*
        #[allow(non_snake_case, unused_mut, unused_unsafe, clippy::redundant_closure_call, clippy::allow_attributes)]
        #[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
        pub(super) mod h {
            use super::*;
            $(
                const _: () = assert!(
                    Opcode::$name.hot_form().is_none() && Opcode::$name.acc_form().is_none(),
                    concat!(stringify!($name), " has forms: define it after `@ops`"),
                );
                handler_fn!($r, $cx, $name, $body);
            )*
            $($( tandem_vm_core::for_each_form!($rname, raw_handler, $r, $cx, $rhow, $rargs); )+)*
            $($( tandem_vm_core::for_each_form!($first, form_handler, $r, $cx, $how, $args); )+)*
        }
    };
}

/// A handler-shaped function (`Handler`, in both instances: `LOOP` false
/// and true): the registers arrive as arguments and `$body` sees them as
/// `$r`, the rest of the state as `$cx`; `$body` ends by dispatching or
/// returning a `Done`.
macro_rules! handler_shaped {
    ($(#[$attr:meta])* $vis:vis $name:ident, $r:ident, $cx:ident, $body:block) => {
        // Handlers run from the table; the only direct calls are the tail
        // calls of a fast call path into its general handler (`slow`),
        // which must not be inlined into the fast one: LLVM did so in one
        // build, and the fast path then paid the general one's stack frame
        // (fib: 1054.8 M instructions instead of 984.4 M).
        $(#[$attr])*
        #[inline(never)]
        $vis unsafe fn $name<const LOOP: bool>(
            ip: *const u8,
            sp: *mut ValRaw,
            mem_base: *mut u8,
            table: &'static HandlerTable,
            $cx: &mut Ctx<'_>,
            acc: u64,
            acc_f64: f64,
            acc_f32: f32,
        ) -> Done {
            #[allow(unused_mut, clippy::allow_attributes)]
            let mut $r = Regs { ip, sp, mem_base, table, acc, acc_f64, acc_f32 };
            $body
        }
    };
}

/// The handler-shaped function of op `$name`, whose body `$how!($r, $cx,
/// $name, args..)` dispatches itself.
macro_rules! raw_handler {
    ($name:ident, $r:ident, $cx:ident, $how:ident, ($($args:tt)*)) => {
        handler_shaped!(pub(crate) $name, $r, $cx, {
            // SAFETY: trusted-bytecode contract (module docs); the store
            // and its instances outlive the call.
            unsafe { $how!($r, $cx, $name, $($args)*) }
        });
    };
}

/// The handler of op `$name`, defined by `$how!($r, $cx, $name, args..)`.
macro_rules! form_handler {
    ($name:ident, $r:ident, $cx:ident, $how:ident, ($($args:tt)*)) => {
        handler_fn!($r, $cx, $name, $how!($r, $cx, $name, $($args)*));
    };
}

/// One handler function (see `handlers!`).
macro_rules! handler_fn {
    ($r:ident, $cx:ident, $name:ident, $body:expr) => {
        handler_shaped!(pub(crate) $name, $r, $cx, {
            #[allow(unreachable_code, clippy::allow_attributes)]
            let result: Result<(), Fault> = (|| {
                // SAFETY: trusted-bytecode contract (module docs); the
                // store and its instances outlive the call.
                unsafe { $body };
                Ok(())
            })();
            match result {
                Ok(()) => dispatch!($r, $cx),
                Err(f) => stop($cx, f),
            }
        });
    };
}

/// Size of the handler table: the number of opcodes, rounded up.
pub(super) const TABLE_SIZE: usize = Opcode::ALL.len().next_power_of_two();

/// The handlers, indexed by opcode.
pub(super) struct HandlerTable([Handler; TABLE_SIZE]);

impl HandlerTable {
    /// The handler of the instruction at `ip`.
    ///
    /// The opcode indexes the table unchecked: a mask (one instruction in
    /// every dispatch) would add no safety, since trusted bytecode is already
    /// trusted with every slot index, each able to reach as far past the
    /// frame as a bad opcode past the table.
    ///
    /// # Safety
    /// `ip` points at an instruction's opcode (trusted bytecode).
    #[inline(always)]
    pub(super) unsafe fn at(&self, ip: *const u8) -> Handler {
        // SAFETY: trusted bytecode: two opcode bytes are readable at `ip`, and
        // they are an `Opcode`, below `Opcode::ALL.len()` <= TABLE_SIZE.
        unsafe {
            let code = core::ptr::read_unaligned(ip as *const u16);
            *self.0.get_unchecked(u16::from_le(code) as usize)
        }
    }
}

/// The handler tables, in opcode order; codes past the list trap:
/// `HANDLERS` dispatch by tail calls, `LOOP_HANDLERS` return to the loop.
macro_rules! handler_table {
    ($( $name:ident { $($field:ident : $kind:ident),* } ; )*) => {
        pub(super) static HANDLERS: HandlerTable = handler_table!(@list false, $($name)*);
        pub(super) static LOOP_HANDLERS: HandlerTable = handler_table!(@list true, $($name)*);
    };
    (@list $loop:literal, $($name:ident)*) => {
        HandlerTable({
            let list: &[Handler] = &[$(h::$name::<$loop> as Handler),*];
            let mut table = [invalid_opcode as Handler; TABLE_SIZE];
            let mut i = 0;
            while i < list.len() {
                table[i] = list[i];
                i += 1;
            }
            table
        })
    };
}

tandem_vm_core::for_each_op!(handler_table);

/// Never reached with trusted bytecode; a defence for the unexpected.
#[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
pub(super) unsafe fn invalid_opcode(
    _: *const u8,
    _: *mut ValRaw,
    _: *mut u8,
    _: &'static HandlerTable,
    cx: &mut Ctx<'_>,
    _: u64,
    _: f64,
    _: f32,
) -> Done {
    cx.fault = Some(Fault::Trap(TrapCode::Unreachable));
    Done::Faulted
}
