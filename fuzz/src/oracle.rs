//! The differential oracle: run a module's exports in two engines and
//! compare what can be observed (results, trap kinds, exported globals and
//! memories). Resource limits (fuel, call depth) differ by design between
//! engines, so once either engine hits one the comparison stops there.
//! Growth limits are the same in every engine (`MAX_MEMORY_BYTES`,
//! `MAX_TABLE_ELEMENTS`), so a refused `memory.grow` is compared like any
//! other result.

use arbitrary::Unstructured;

/// What one call did. Trap kinds are expressed as Tandem's `TrapCode`; the
/// resource traps (`OutOfFuel`, `StackOverflow`) become `Resource`.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Result bits (references as 0 = null, 1 = non-null).
    Values(Vec<u128>),
    /// `None`: a trap kind the engines do not share.
    Trap(Option<tandem::TrapCode>),
    /// Instantiation failed (engines report segment and start-function
    /// failures differently: one as a trap, the other as an error).
    Instantiation,
    /// Out of fuel or stack: engine-specific, ends the comparison.
    Resource,
}

/// A typed argument, engine-neutral.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    NullRef,
}

/// Arguments for a parameter list, drawn from the fuzz input.
pub fn args(u: &mut Unstructured<'_>, params: &[wasmparser::ValType]) -> Vec<Arg> {
    params
        .iter()
        .map(|p| match p {
            wasmparser::ValType::I32 => Arg::I32(u.arbitrary().unwrap_or(0)),
            wasmparser::ValType::I64 => Arg::I64(u.arbitrary().unwrap_or(0)),
            wasmparser::ValType::F32 => Arg::F32(u.arbitrary().unwrap_or(0)),
            wasmparser::ValType::F64 => Arg::F64(u.arbitrary().unwrap_or(0)),
            wasmparser::ValType::V128 => Arg::V128(u.arbitrary().unwrap_or(0)),
            _ => Arg::NullRef,
        })
        .collect()
}

/// An engine under test.
pub trait DiffEngine {
    fn name(&self) -> &'static str;
    /// Instantiates; `None` if the engine rejects the module or its start traps.
    fn instantiate(&mut self, wasm: &[u8]) -> Option<Result<(), Outcome>>;
    /// Calls export `name` with `args`.
    fn call(&mut self, name: &str, args: &[Arg]) -> Outcome;
    /// Exported globals' bits and a hash of each exported memory, by name.
    fn snapshot(&mut self) -> Vec<(String, u128)>;
}

pub const FUEL: u64 = 1_000_000;

/// The same growth limits in every engine, so `memory.grow` and `table.grow`
/// fail (return -1) at the same point everywhere, and a module that grows
/// its memory to 4 GiB cannot exhaust the fuzzer's RSS limit. Above
/// wasm-smith's largest initial memory (`generate::module`: 16 MiB).
pub const MAX_MEMORY_BYTES: usize = 64 << 20;
/// Table elements, likewise (wasm-smith starts tables at up to 10,000).
pub const MAX_TABLE_ELEMENTS: usize = 100_000;

fn hash(bytes: &[u8]) -> u128 {
    // FNV-1a: deterministic and dependency-free.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h as u128
}

/// Tandem in one tier mode.
pub struct Tandem {
    config: tandem::Config,
    store: Option<tandem::Store<()>>,
    instance: Option<tandem::Instance>,
    tier: tandem::Tier,
    /// Against another Tandem tier: running out of fuel is an outcome to
    /// compare, and the fuel left after each call is part of the state.
    strict_fuel: bool,
}

impl Tandem {
    /// The interpreter alone.
    pub fn new(translation: tandem::Translation) -> Self {
        Self::with_tier(tandem::Tier::Interp, translation)
    }

    /// `tier` (tiered mode tiers up synchronously after 2 calls or 3 loop
    /// iterations, so generated modules switch tiers mid-run).
    pub fn with_tier(tier: tandem::Tier, translation: tandem::Translation) -> Self {
        let mut config = tandem::Config::new();
        config
            .consume_fuel(true)
            .translation(translation)
            .tier(tier)
            .tier_up_thresholds(2, 3)
            .background_compilation(false)
            .wasm_wide_arithmetic(true);
        Tandem { config, store: None, instance: None, tier, strict_fuel: false }
    }

    /// Compares fuel exactly (for tier-against-tier runs).
    pub fn strict_fuel(mut self) -> Self {
        self.strict_fuel = true;
        self
    }

    fn trap(&self, e: &tandem::Error) -> Outcome {
        match e.trap_code() {
            Some(tandem::TrapCode::OutOfFuel) if self.strict_fuel => Outcome::Trap(Some(tandem::TrapCode::OutOfFuel)),
            _ => tandem_trap(e),
        }
    }
}

fn tandem_trap(e: &tandem::Error) -> Outcome {
    match e.trap_code() {
        Some(tandem::TrapCode::OutOfFuel | tandem::TrapCode::StackOverflow) => Outcome::Resource,
        code => Outcome::Trap(code),
    }
}

fn tandem_bits(v: &tandem::Val) -> u128 {
    match *v {
        tandem::Val::I32(x) => x as u32 as u128,
        tandem::Val::I64(x) => x as u64 as u128,
        tandem::Val::F32(x) => x as u128,
        tandem::Val::F64(x) => x as u128,
        tandem::Val::V128(x) => x,
        tandem::Val::FuncRef(r) => r.is_some() as u128,
        tandem::Val::ExternRef(r) => r.is_some() as u128,
    }
}

impl DiffEngine for Tandem {
    fn name(&self) -> &'static str {
        match self.tier {
            tandem::Tier::Interp => "tandem-interp",
            tandem::Tier::Jit => "tandem-jit",
            tandem::Tier::Tiered => "tandem-tiered",
        }
    }
    fn instantiate(&mut self, wasm: &[u8]) -> Option<Result<(), Outcome>> {
        let engine = tandem::Engine::new(&self.config);
        let module = tandem::Module::from_binary(&engine, wasm).ok()?;
        let mut store = tandem::Store::new(&engine, ());
        store.limits(tandem::StoreLimits {
            max_memory_bytes: MAX_MEMORY_BYTES as u64,
            max_table_elements: MAX_TABLE_ELEMENTS as u64,
            ..Default::default()
        });
        store.set_fuel(FUEL).ok()?;
        let r = match tandem::Instance::new(&mut store, &module, &[]) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(())
            }
            Err(e) => match tandem_trap(&e) {
                Outcome::Resource => Err(Outcome::Resource),
                _ if matches!(e.kind(), tandem::ErrorKind::Resource(_)) => Err(Outcome::Resource),
                _ => Err(Outcome::Instantiation),
            },
        };
        self.store = Some(store);
        Some(r)
    }
    fn call(&mut self, name: &str, args: &[Arg]) -> Outcome {
        let (Some(store), Some(inst)) = (self.store.as_mut(), self.instance) else { return Outcome::Resource };
        let Some(f) = inst.get_func(&mut *store, name) else { return Outcome::Resource };
        let params: Vec<tandem::Val> = f
            .ty(&*store)
            .params()
            .iter()
            .enumerate()
            .map(|(i, ty)| match args.get(i).copied().unwrap_or(Arg::NullRef) {
                Arg::I32(v) if *ty == tandem::ValType::I32 => tandem::Val::I32(v),
                Arg::I64(v) if *ty == tandem::ValType::I64 => tandem::Val::I64(v),
                Arg::F32(v) if *ty == tandem::ValType::F32 => tandem::Val::F32(v),
                Arg::F64(v) if *ty == tandem::ValType::F64 => tandem::Val::F64(v),
                Arg::V128(v) if *ty == tandem::ValType::V128 => tandem::Val::V128(v),
                _ => tandem::Val::default_for(*ty),
            })
            .collect();
        let mut results: Vec<tandem::Val> =
            f.ty(&*store).results().iter().map(|t| tandem::Val::default_for(*t)).collect();
        let _ = store.set_fuel(FUEL);
        let r = f.call(&mut *store, &params, &mut results);
        match r {
            Ok(()) => Outcome::Values(results.iter().map(tandem_bits).collect()),
            Err(e) => self.trap(&e),
        }
    }
    fn snapshot(&mut self) -> Vec<(String, u128)> {
        let (Some(store), Some(inst)) = (self.store.as_mut(), self.instance) else { return Vec::new() };
        let mut out = Vec::new();
        if self.strict_fuel {
            out.push(("<fuel left>".to_string(), store.get_fuel().unwrap_or(0) as u128));
        }
        for name in inst.export_names(&*store) {
            match inst.get_export(&mut *store, &name) {
                Some(tandem::Extern::Memory(m)) => out.push((name, hash(m.data(&*store)))),
                Some(tandem::Extern::Global(g)) => {
                    let v = tandem_bits(&g.get(&mut *store));
                    out.push((name, v));
                }
                _ => {}
            }
        }
        out
    }
}

/// wasmi 2.0, the independent oracle.
#[derive(Default)]
pub struct Wasmi {
    store: Option<wasmi::Store<wasmi::StoreLimits>>,
    instance: Option<wasmi::Instance>,
}

/// A peer's trap as an `Outcome`. wasmi's `TrapCode` and wasmtime's `Trap`
/// name their variants alike, so one mapping serves both.
macro_rules! peer_trap {
    ($code:expr, $($e:ident)::+) => {{
        use tandem::TrapCode as T;
        use $($e)::+ as C;
        let code = match $code {
            None | Some(C::OutOfFuel | C::StackOverflow) => return Outcome::Resource,
            Some(C::UnreachableCodeReached) => T::Unreachable,
            Some(C::MemoryOutOfBounds) => T::MemoryOutOfBounds,
            Some(C::TableOutOfBounds) => T::TableOutOfBounds,
            Some(C::IndirectCallToNull) => T::IndirectCallToNull,
            Some(C::BadSignature) => T::BadSignature,
            Some(C::IntegerOverflow) => T::IntegerOverflow,
            Some(C::IntegerDivisionByZero) => T::IntegerDivisionByZero,
            Some(C::BadConversionToInteger) => T::BadConversionToInteger,
            Some(_) => return Outcome::Trap(None),
        };
        Outcome::Trap(Some(code))
    }};
}

fn wasmi_trap(e: &wasmi::Error) -> Outcome {
    peer_trap!(e.as_trap_code(), wasmi::TrapCode)
}

fn wasmi_bits(v: &wasmi::Val) -> u128 {
    match v {
        wasmi::Val::I32(x) => *x as u32 as u128,
        wasmi::Val::I64(x) => *x as u64 as u128,
        wasmi::Val::F32(x) => x.to_bits() as u128,
        wasmi::Val::F64(x) => x.to_bits() as u128,
        wasmi::Val::V128(x) => x.as_u128(),
        wasmi::Val::FuncRef(r) => (!r.is_null()) as u128,
        wasmi::Val::ExternRef(r) => (!r.is_null()) as u128,
    }
}

/// Runs `f`, turning a panic into `None` without aborting the process
/// (libFuzzer's panic hook aborts, so it is swapped out meanwhile). Used only
/// around the peers: a panic inside Tandem must still be a finding.
fn survive<R>(f: impl FnOnce() -> R) -> Option<R> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| eprintln!("peer panicked (not a Tandem finding): {info}")));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    std::panic::set_hook(hook);
    r
}

impl DiffEngine for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    fn instantiate(&mut self, wasm: &[u8]) -> Option<Result<(), Outcome>> {
        // wasmi 2.0.0 has translator panics (`unreachable!` in
        // `choose_store_op_vt`): such a module cannot be compared.
        let r = survive(|| self.instantiate_inner(wasm));
        r.unwrap_or(Some(Err(Outcome::Resource)))
    }
    fn call(&mut self, name: &str, args: &[Arg]) -> Outcome {
        survive(|| self.call_inner(name, args)).unwrap_or(Outcome::Resource)
    }
    fn snapshot(&mut self) -> Vec<(String, u128)> {
        self.snapshot_inner()
    }
}

impl Wasmi {
    fn instantiate_inner(&mut self, wasm: &[u8]) -> Option<Result<(), Outcome>> {
        let mut config = wasmi::Config::default();
        config
            .consume_fuel(true)
            .wasm_wide_arithmetic(true)
            .wasm_extended_const(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_tail_call(true);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, wasm).ok()?;
        let limits =
            wasmi::StoreLimitsBuilder::new().memory_size(MAX_MEMORY_BYTES).table_elements(MAX_TABLE_ELEMENTS).build();
        let mut store = wasmi::Store::new(&engine, limits);
        store.limiter(|limits| limits);
        store.set_fuel(FUEL).ok()?;
        let linker = wasmi::Linker::<wasmi::StoreLimits>::new(&engine);
        let r = match linker.instantiate_and_start(&mut store, &module) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(())
            }
            // Without a trap code (a segment that does not fit, ...) it is
            // an instantiation failure, not a resource limit.
            Err(e) => match (e.as_trap_code(), wasmi_trap(&e)) {
                (Some(_), Outcome::Resource) => Err(Outcome::Resource),
                _ => Err(Outcome::Instantiation),
            },
        };
        self.store = Some(store);
        Some(r)
    }
    fn call_inner(&mut self, name: &str, args: &[Arg]) -> Outcome {
        let (Some(store), Some(inst)) = (self.store.as_mut(), self.instance) else { return Outcome::Resource };
        let Some(f) = inst.get_func(&*store, name) else { return Outcome::Resource };
        let ty = f.ty(&*store);
        let params: Vec<wasmi::Val> = args
            .iter()
            .zip(ty.params())
            .map(|(a, t)| match *a {
                Arg::I32(v) => wasmi::Val::I32(v),
                Arg::I64(v) => wasmi::Val::I64(v),
                Arg::F32(v) => wasmi::Val::F32(f32::from_bits(v).into()),
                Arg::F64(v) => wasmi::Val::F64(f64::from_bits(v).into()),
                Arg::V128(v) => wasmi::Val::V128(v.into()),
                Arg::NullRef => wasmi::Val::default_for_ty(*t),
            })
            .collect();
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        let _ = store.set_fuel(FUEL);
        match f.call(&mut *store, &params, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(wasmi_bits).collect()),
            Err(e) => wasmi_trap(&e),
        }
    }
    fn snapshot_inner(&mut self) -> Vec<(String, u128)> {
        let (Some(store), Some(inst)) = (self.store.as_mut(), self.instance) else { return Vec::new() };
        let names: Vec<String> = inst.exports(&*store).map(|e| e.name().to_string()).collect();
        let mut out = Vec::new();
        for name in names {
            match inst.get_export(&*store, &name) {
                Some(wasmi::Extern::Memory(m)) => out.push((name, hash(m.data(&*store)))),
                Some(wasmi::Extern::Global(g)) => out.push((name, wasmi_bits(&g.get(&*store)))),
                _ => {}
            }
        }
        out
    }
}

/// wasmtime 48 (Cranelift), the referee: consulted only when Tandem and
/// wasmi disagree, to tell a wasmi bug (such as wasmi 2.0.0's `select`
/// miscompilation, `tests/regressions/select-into-operand-local.wast`) from
/// a Tandem one. Built with explicit bounds checks (no signal handlers under
/// libFuzzer).
#[derive(Default)]
pub struct Wasmtime {
    store: Option<wasmtime::Store<wasmtime::StoreLimits>>,
    instance: Option<wasmtime::Instance>,
}

fn wasmtime_trap(e: &wasmtime::Error) -> Outcome {
    // wasmi has no such trap, so it is not in `peer_trap!`.
    if let Some(wasmtime::Trap::NullReference) = e.downcast_ref::<wasmtime::Trap>() {
        return Outcome::Trap(Some(tandem::TrapCode::NullReference));
    }
    peer_trap!(e.downcast_ref::<wasmtime::Trap>(), wasmtime::Trap)
}

fn wasmtime_bits(v: &wasmtime::Val) -> u128 {
    match v {
        wasmtime::Val::I32(x) => *x as u32 as u128,
        wasmtime::Val::I64(x) => *x as u64 as u128,
        wasmtime::Val::F32(x) => *x as u128,
        wasmtime::Val::F64(x) => *x as u128,
        wasmtime::Val::V128(x) => x.as_u128(),
        wasmtime::Val::FuncRef(r) => r.is_some() as u128,
        wasmtime::Val::ExternRef(r) => r.is_some() as u128,
        _ => 0,
    }
}

impl DiffEngine for Wasmtime {
    fn name(&self) -> &'static str {
        "wasmtime"
    }
    fn instantiate(&mut self, wasm: &[u8]) -> Option<Result<(), Outcome>> {
        let mut config = wasmtime::Config::new();
        config
            .consume_fuel(true)
            .signals_based_traps(false)
            .memory_reservation(0)
            .memory_guard_size(0)
            .wasm_wide_arithmetic(true)
            .wasm_extended_const(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_tail_call(true)
            .wasm_function_references(true)
            .wasm_gc(true);
        let engine = wasmtime::Engine::new(&config).ok()?;
        let module = wasmtime::Module::new(&engine, wasm).ok()?;
        let limits = wasmtime::StoreLimitsBuilder::new()
            .memory_size(MAX_MEMORY_BYTES)
            .table_elements(MAX_TABLE_ELEMENTS)
            .build();
        let mut store = wasmtime::Store::new(&engine, limits);
        store.limiter(|limits| limits);
        // wasmtime charges less per instruction than Tandem; plenty is fine,
        // both other engines already finished within FUEL.
        store.set_fuel(FUEL * 16).ok()?;
        let r = match wasmtime::Linker::<wasmtime::StoreLimits>::new(&engine).instantiate(&mut store, &module) {
            Ok(i) => {
                self.instance = Some(i);
                Ok(())
            }
            Err(e) => match (e.downcast_ref::<wasmtime::Trap>(), wasmtime_trap(&e)) {
                (Some(_), Outcome::Resource) => Err(Outcome::Resource),
                _ => Err(Outcome::Instantiation),
            },
        };
        self.store = Some(store);
        Some(r)
    }
    fn call(&mut self, name: &str, args: &[Arg]) -> Outcome {
        let (Some(store), Some(inst)) = (self.store.as_mut(), self.instance) else { return Outcome::Resource };
        let Some(f) = inst.get_func(&mut *store, name) else { return Outcome::Resource };
        let ty = f.ty(&*store);
        let zero = |t: &wasmtime::ValType| wasmtime::Val::default_for_ty(t).unwrap_or(wasmtime::Val::I32(0));
        let params: Vec<wasmtime::Val> = args
            .iter()
            .zip(ty.params())
            .map(|(a, t)| match *a {
                Arg::I32(v) => wasmtime::Val::I32(v),
                Arg::I64(v) => wasmtime::Val::I64(v),
                Arg::F32(v) => wasmtime::Val::F32(v),
                Arg::F64(v) => wasmtime::Val::F64(v),
                Arg::V128(v) => wasmtime::Val::V128(v.into()),
                Arg::NullRef => zero(&t),
            })
            .collect();
        let mut results: Vec<wasmtime::Val> = ty.results().map(|t| zero(&t)).collect();
        let _ = store.set_fuel(FUEL * 16);
        match f.call(&mut *store, &params, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(wasmtime_bits).collect()),
            Err(e) => wasmtime_trap(&e),
        }
    }
    fn snapshot(&mut self) -> Vec<(String, u128)> {
        let (Some(store), Some(inst)) = (self.store.as_mut(), self.instance) else { return Vec::new() };
        let names: Vec<String> = inst.exports(&mut *store).map(|e| e.name().to_string()).collect();
        let mut out = Vec::new();
        for name in names {
            match inst.get_export(&mut *store, &name) {
                Some(wasmtime::Extern::Memory(m)) => out.push((name, hash(m.data(&*store)))),
                Some(wasmtime::Extern::Global(g)) => out.push((name, wasmtime_bits(&g.get(&mut *store)))),
                _ => {}
            }
        }
        out
    }
}

/// What can be seen after one step (instantiation, then each call): its
/// outcome and the exported state, sorted by name.
type Observation = (Outcome, Vec<(String, u128)>);

fn observe(engine: &mut dyn DiffEngine, outcome: Outcome) -> Observation {
    let mut state = engine.snapshot();
    state.sort();
    (outcome, state)
}

/// Runs `wasm` in both engines and panics on any observable divergence.
///
/// When they disagree and a `referee` is given, it replays the same steps:
/// if it sides with `a` the divergence is `b`'s bug (a peer's, known or not),
/// reported on stderr and not a finding; otherwise the run panics.
pub fn differential(
    wasm: &[u8],
    u: &mut Unstructured<'_>,
    a: &mut dyn DiffEngine,
    b: &mut dyn DiffEngine,
    referee: Option<&mut dyn DiffEngine>,
) {
    let (Some(ia), Some(ib)) = (a.instantiate(wasm), b.instantiate(wasm)) else {
        // Acceptance must agree: both engines validate Wasm 2.0 with wasmparser.
        assert_eq!(
            a.instantiate(wasm).is_some(),
            b.instantiate(wasm).is_some(),
            "{} and {} disagree on accepting the module",
            a.name(),
            b.name()
        );
        return;
    };
    let step = |r: Result<(), Outcome>| r.err().unwrap_or(Outcome::Values(Vec::new()));
    let (ia, ib) = (step(ia), step(ib));
    if ia == Outcome::Resource || ib == Outcome::Resource {
        return;
    }
    let mut history: Vec<(String, Vec<Arg>)> = Vec::new();
    let (oa, ob) = (observe(a, ia), observe(b, ib));
    if oa != ob {
        return diverged(wasm, &history, &oa, &ob, a.name(), b.name(), referee);
    }
    if oa.0 != Outcome::Values(Vec::new()) {
        return;
    }
    let mut funcs = Vec::new();
    for p in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        if let wasmparser::Payload::ExportSection(r) = p {
            for e in r.into_iter().flatten() {
                if e.kind == wasmparser::ExternalKind::Func {
                    funcs.push((e.name.to_string(), e.index));
                }
            }
        }
    }
    let types = func_types(wasm);
    for (name, index) in funcs {
        let params = types.get(index as usize).cloned().unwrap_or_default();
        let args = args(u, &params);
        let (ra, rb) = (a.call(&name, &args), b.call(&name, &args));
        if ra == Outcome::Resource || rb == Outcome::Resource {
            return;
        }
        history.push((name, args));
        let (oa, ob) = (observe(a, ra), observe(b, rb));
        if oa != ob {
            return diverged(wasm, &history, &oa, &ob, a.name(), b.name(), referee);
        }
    }
}

/// `a` and `b` disagree after the steps in `history`: panics unless the
/// referee, replaying them, agrees with `a` at every step.
fn diverged(
    wasm: &[u8],
    history: &[(String, Vec<Arg>)],
    oa: &Observation,
    ob: &Observation,
    a: &str,
    b: &str,
    referee: Option<&mut dyn DiffEngine>,
) {
    let at = match history.last() {
        Some((name, args)) => format!("after {name}({args:?})"),
        None => "at instantiation".to_string(),
    };
    if let Some(r) = referee
        && replay(wasm, history, r).as_ref() == Some(oa)
    {
        eprintln!("{b} diverges {at}, {} agrees with {a}: not a finding\n  {a}: {oa:?}\n  {b}: {ob:?}", r.name());
        return;
    }
    panic!("{a} and {b} differ {at}\n  {a}: {oa:?}\n  {b}: {ob:?}");
}

/// The referee's observation after replaying `history`, if it could run
/// every step (no resource limit, no rejection).
fn replay(wasm: &[u8], history: &[(String, Vec<Arg>)], r: &mut dyn DiffEngine) -> Option<Observation> {
    let first = r.instantiate(wasm)?.err().unwrap_or(Outcome::Values(Vec::new()));
    let mut last = observe(r, first);
    for (name, args) in history {
        if last.0 == Outcome::Resource || matches!(last.0, Outcome::Instantiation) {
            return None;
        }
        let outcome = r.call(name, args);
        last = observe(r, outcome);
    }
    (last.0 != Outcome::Resource).then_some(last)
}

/// Parameter types of every function (imports first).
fn func_types(wasm: &[u8]) -> Vec<Vec<wasmparser::ValType>> {
    let mut types = Vec::new();
    let mut funcs = Vec::new();
    for p in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        match p {
            wasmparser::Payload::TypeSection(r) => {
                // Every type of every recursive group keeps its index; a
                // GC type's params are empty.
                for group in r.into_iter().flatten() {
                    for t in group.types() {
                        types.push(match &t.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => f.params().to_vec(),
                            _ => Vec::new(),
                        });
                    }
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for t in r.into_iter().flatten() {
                    funcs.push(types.get(t as usize).cloned().unwrap_or_default());
                }
            }
            _ => {}
        }
    }
    funcs
}
