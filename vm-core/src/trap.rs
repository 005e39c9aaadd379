//! Trap codes and the wasm backtrace both tiers report.

use core::fmt;

/// Why wasm execution stopped abnormally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum TrapCode {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    BadSignature,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    StackOverflow,
    OutOfFuel,
    /// `call_ref` of a null reference or `ref.as_non_null` of null.
    NullReference,
}

impl TrapCode {
    /// Every code, in declaration order (`code as u32` indexes it).
    pub const ALL: [TrapCode; 11] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::IndirectCallToNull,
        TrapCode::BadSignature,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
        TrapCode::StackOverflow,
        TrapCode::OutOfFuel,
        TrapCode::NullReference,
    ];

    /// Inverse of `code as u32` (how compiled code passes trap codes).
    pub fn from_u32(n: u32) -> Option<TrapCode> {
        Self::ALL.get(n as usize).copied()
    }

    /// The message the spec testsuite and users see.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::NullReference => "null reference",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One frame of a wasm backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// Function index in its module's index space (imports included).
    pub func_index: u32,
    /// Name from the module's name section, when present (cut to
    /// `MAX_NAME_BYTES`, see `bounded`).
    pub func_name: Option<String>,
    /// Name of the module (from the name section), when present (cut the
    /// same way).
    pub module_name: Option<String>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = &self.module_name {
            write!(f, "{m}!")?;
        }
        match &self.func_name {
            Some(n) => write!(f, "{n} (func {})", self.func_index),
            None => write!(f, "<wasm function {}>", self.func_index),
        }
    }
}

/// Longest name a diagnostic shows: names come from the guest, and a
/// backtrace of thousands of frames must stay small.
pub const MAX_NAME_BYTES: usize = 256;

/// `name` cut to at most `MAX_NAME_BYTES` bytes (at a character boundary),
/// with "…" where it was cut.
pub fn bounded(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_string();
    }
    let mut end = MAX_NAME_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &name[..end])
}

/// A wasm backtrace, innermost frame first, of bounded size whatever the
/// depth: a run of frames of one function (recursion) is kept once with
/// its length, and after `Backtrace::MAX_FRAMES` kept frames the rest are
/// only counted.
#[derive(Clone, Debug, Default)]
pub struct Backtrace {
    frames: Vec<FrameInfo>,
    /// How many frames in a row each kept frame stands for.
    runs: Vec<u64>,
    /// Identity (instance, function) of the last frame pushed.
    last: Option<(usize, u32)>,
    /// Frames past the kept ones.
    omitted: u64,
}

/// Equal when they show the same frames (not which instances they ran in).
impl PartialEq for Backtrace {
    fn eq(&self, other: &Self) -> bool {
        (&self.frames, &self.runs, self.omitted) == (&other.frames, &other.runs, other.omitted)
    }
}

impl Eq for Backtrace {}

impl Backtrace {
    /// Frames kept (runs of one function count once).
    pub const MAX_FRAMES: usize = 100;

    /// Adds the next outer frame: function `func_index` of the instance
    /// identified by `instance`; `info` makes its description, only if it
    /// is kept.
    pub fn push(&mut self, instance: usize, func_index: u32, info: impl FnOnce() -> FrameInfo) {
        let key = Some((instance, func_index));
        if key == self.last {
            match self.runs.last_mut() {
                Some(n) if self.omitted == 0 => *n += 1,
                _ => self.omitted += 1,
            }
            return;
        }
        self.last = key;
        if self.frames.len() < Self::MAX_FRAMES {
            self.frames.push(info());
            self.runs.push(1);
        } else {
            self.omitted += 1;
        }
    }

    /// The kept frames, innermost first; a run of frames of one function
    /// is one frame here.
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }

    /// How many frames in a row each of `frames()` stands for.
    pub fn runs(&self) -> &[u64] {
        &self.runs
    }

    /// Frames not kept.
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// All frames, kept or not.
    pub fn depth(&self) -> u64 {
        self.runs.iter().sum::<u64>() + self.omitted
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

impl fmt::Display for Backtrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut depth = 0;
        for (frame, &run) in self.frames.iter().zip(&self.runs) {
            writeln!(f, "  {depth}: {frame}")?;
            if run > 1 {
                writeln!(f, "     … the same function {} more times in a row", run - 1)?;
            }
            depth += run;
        }
        if self.omitted > 0 {
            writeln!(f, "  … {} more frames", self.omitted)?;
        }
        Ok(())
    }
}
