//! A translated function and its tier-up counters.

use crate::value::ValType;

/// A translated function. Equality compares the translation, not the
/// tier-up counters (run-time state, reset by `Clone` too).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompiledFunc {
    /// The bytecode.
    pub code: Vec<u8>,
    /// Number of parameters (slots `0..num_params`).
    pub num_params: u16,
    /// Parameters plus declared locals (slots `0..num_locals`).
    pub num_locals: u16,
    /// Total slots of a frame (locals and temporaries).
    pub num_slots: u16,
    /// Number of results, written to slots `0..num_results` on return.
    pub num_results: u16,
    /// Types of the parameters and locals, in slot order.
    pub local_types: Vec<ValType>,
    /// Constants, copied into slots `const_base..` when a frame starts.
    pub consts: Vec<crate::value::ValRaw>,
    /// First constant slot.
    pub const_base: u16,
    /// Calls (counted when a frame starts) and loop iterations (`HotLoop`).
    pub hot: HotCounters,
}

/// Tier-up counters of one function (shared by every instance of its module;
/// racy increments are fine, they only decide when to compile).
#[derive(Debug, Default)]
pub struct HotCounters {
    pub calls: core::sync::atomic::AtomicU32,
    pub loops: core::sync::atomic::AtomicU32,
    /// Which compilations have been requested (`HotCounters::ENTRY`,
    /// `HotCounters::OSR`): once asked, the interpreter only looks for the
    /// code, which costs no lock.
    pub asked: core::sync::atomic::AtomicU8,
}

impl HotCounters {
    /// The function's normal entry.
    pub const ENTRY: u8 = 1;
    /// The function's on-stack-replacement entry.
    pub const OSR: u8 = 2;

    /// Marks compilation `what` as requested; true the first time.
    pub fn ask(&self, what: u8) -> bool {
        self.asked.fetch_or(what, core::sync::atomic::Ordering::Relaxed) & what == 0
    }
}

impl Clone for HotCounters {
    fn clone(&self) -> Self {
        HotCounters::default()
    }
}

/// Counters are not part of what a function is: any two compare equal.
impl PartialEq for HotCounters {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
