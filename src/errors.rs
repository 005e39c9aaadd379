//! The one error type of the embedding API, and `Trap`.

use std::fmt;
use tandem_vm_core::module_env::ModuleError;
use tandem_vm_core::store::{PendingTrap, TrapReason};
pub use tandem_vm_core::trap::{Backtrace, FrameInfo, TrapCode};

/// A wasm trap: its code and the wasm backtrace (innermost frame first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    backtrace: Backtrace,
}

impl Trap {
    pub fn code(&self) -> TrapCode {
        self.code
    }
    pub fn backtrace(&self) -> &Backtrace {
        &self.backtrace
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.code)?;
        if !self.backtrace.is_empty() {
            write!(f, "\nwasm backtrace:\n{}", self.backtrace)?;
        }
        Ok(())
    }
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are malformed or invalid, or use an unsupported feature.
    Module(ModuleError),
    /// The text format could not be parsed.
    Wat(String),
    /// An import is missing or has the wrong type.
    Link(String),
    /// A resource limit was hit (memory, table, instances).
    Resource(String),
    /// Execution trapped.
    Trap(Trap),
    /// A host function returned an error.
    Host { error: Box<dyn std::error::Error + Send + Sync>, backtrace: Backtrace },
    /// Arguments or results of the wrong number or type.
    Type(String),
    /// Misuse of the API (unknown export, objects from another store, ...).
    Usage(String),
}

/// The error type of every fallible Tandem API.
pub struct Error {
    kind: Box<ErrorKind>,
}

/// `Result` with Tandem's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// A host-function error carrying `message`.
    pub fn msg(message: impl Into<String>) -> Self {
        Error::host(Box::<dyn std::error::Error + Send + Sync>::from(message.into()))
    }

    /// A host-function error wrapping `error` (see [`Error::downcast_ref`]).
    pub fn host(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::from_kind(ErrorKind::Host { error: error.into(), backtrace: Backtrace::default() })
    }

    pub(crate) fn from_kind(kind: ErrorKind) -> Self {
        Error { kind: Box::new(kind) }
    }
    pub(crate) fn usage(m: impl Into<String>) -> Self {
        Error::from_kind(ErrorKind::Usage(m.into()))
    }
    pub(crate) fn type_error(m: impl Into<String>) -> Self {
        Error::from_kind(ErrorKind::Type(m.into()))
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(|t| t.code)
    }

    /// The host error of type `E` this error carries, if any.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        match &*self.kind {
            ErrorKind::Host { error, .. } => error.downcast_ref::<E>(),
            _ => None,
        }
    }

    /// Turns a trap that unwound out of wasm into an error (resuming a host panic).
    pub(crate) fn from_pending(p: PendingTrap) -> Self {
        let backtrace = p.backtrace;
        match p.reason {
            TrapReason::Wasm(code) => Error::from_kind(ErrorKind::Trap(Trap { code, backtrace })),
            TrapReason::Host(error) => {
                // A body that failed deferred validation or translation.
                let error = match error.downcast::<ModuleError>() {
                    Ok(e) => return Error::from_kind(ErrorKind::Module(*e)),
                    Err(other) => other,
                };
                // An `Error` returned by a host function travels boxed: unwrap it.
                match error.downcast::<HostErrorBox>() {
                    Ok(inner) => {
                        let mut e = inner.0;
                        if let ErrorKind::Host { backtrace: bt, .. } = &mut *e.kind {
                            *bt = backtrace;
                        }
                        e
                    }
                    Err(error) => Error::from_kind(ErrorKind::Host { error, backtrace }),
                }
            }
            TrapReason::Panic(payload) => std::panic::resume_unwind(payload),
        }
    }

    /// Boxes this error to travel through wasm frames.
    pub(crate) fn into_host_error(self) -> Box<dyn std::error::Error + Send + Sync> {
        Box::new(HostErrorBox(self))
    }
}

/// An `Error` on its way through wasm frames.
#[derive(Debug)]
struct HostErrorBox(Error);

impl fmt::Display for HostErrorBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for HostErrorBox {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Bounded { f, left: MAX_MESSAGE_BYTES, cut: false };
        self.write_to(&mut out)
    }
}

/// Longest text an `Error` displays: host messages and guest names can be
/// of any size, and reporting an error must not cost more than a few MB.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Writes through to `f` until `left` bytes are written, then writes that
/// the rest was cut, and drops it.
struct Bounded<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    left: usize,
    cut: bool,
}

impl fmt::Write for Bounded<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        if s.len() <= self.left {
            self.left -= s.len();
            return self.f.write_str(s);
        }
        let mut end = self.left;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.cut = true;
        self.f.write_str(&s[..end])?;
        self.f.write_str("… (message cut)")
    }
}

impl Error {
    fn write_to(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match &*self.kind {
            ErrorKind::Module(e) => write!(f, "{e}"),
            ErrorKind::Wat(e) => write!(f, "text format error: {e}"),
            ErrorKind::Link(m) => write!(f, "link error: {m}"),
            ErrorKind::Resource(m) => write!(f, "resource limit exceeded: {m}"),
            ErrorKind::Trap(t) => write!(f, "{t}"),
            ErrorKind::Host { error, backtrace } => {
                write!(f, "host error: {error}")?;
                if !backtrace.is_empty() {
                    write!(f, "\nwasm backtrace:\n{backtrace}")?;
                }
                Ok(())
            }
            ErrorKind::Type(m) => write!(f, "type mismatch: {m}"),
            ErrorKind::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl std::error::Error for Error {}

impl From<ModuleError> for Error {
    fn from(e: ModuleError) -> Self {
        Error::from_kind(ErrorKind::Module(e))
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Self {
        Error::from_kind(ErrorKind::Trap(t))
    }
}

impl From<tandem_vm_core::store::InstantiationError> for Error {
    fn from(e: tandem_vm_core::store::InstantiationError) -> Self {
        use tandem_vm_core::store::InstantiationError as I;
        match e {
            I::Link(m) => Error::from_kind(ErrorKind::Link(m)),
            I::Resource(m) => Error::from_kind(ErrorKind::Resource(m)),
            I::Trap(p) => Error::from_pending(p),
        }
    }
}
