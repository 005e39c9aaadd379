//! One wast runner for every tier mode: it runs `.wast` directives against a
//! `tandem::Config` and counts passed, failed and skipped directives.

use std::collections::HashMap;
use tandem::{
    Config, Engine, Error, ExternRef, Func, Global, GlobalType, Instance, Linker, Memory, MemoryType, Module, Store,
    Table, TableType, TrapCode, Val, ValType,
};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// Counts of one file or of a whole suite.
#[derive(Default, Debug, Clone, Copy)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

/// The outcome of one file: counts, failure messages, skip reasons.
pub struct FileReport {
    pub counts: Counts,
    pub failures: Vec<String>,
    pub skips: Vec<String>,
}

struct Runner<'a> {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    current: Option<Instance>,
    named: HashMap<String, Instance>,
    /// Modules of `(module definition $name ...)`.
    definitions: HashMap<String, tandem::Module>,
    externrefs: HashMap<u32, ExternRef>,
    /// Why there is no current module: it needs a feature Tandem does not
    /// have yet (`waiting_feature`), so directives using it are skipped.
    unavailable: Option<String>,
    /// The same for named modules and definitions, and for the names
    /// such modules were registered under.
    unavailable_named: HashMap<String, String>,
    unavailable_registered: HashMap<String, String>,
    text: &'a str,
    file: &'a str,
    report: FileReport,
}

enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

fn spectest(store: &mut Store<()>, linker: &mut Linker<()>) -> Result<(), Error> {
    linker.func_wrap("spectest", "print", || {})?;
    linker.func_wrap("spectest", "print_i32", |_: i32| {})?;
    linker.func_wrap("spectest", "print_i64", |_: i64| {})?;
    linker.func_wrap("spectest", "print_f32", |_: f32| {})?;
    linker.func_wrap("spectest", "print_f64", |_: f64| {})?;
    linker.func_wrap("spectest", "print_i32_f32", |_: i32, _: f32| {})?;
    linker.func_wrap("spectest", "print_f64_f64", |_: f64, _: f64| {})?;
    let g = |ty| GlobalType { ty, mutable: false };
    let gi32 = Global::new(&mut *store, g(ValType::I32), Val::I32(666))?;
    let gi64 = Global::new(&mut *store, g(ValType::I64), Val::I64(666))?;
    let gf32 = Global::new(&mut *store, g(ValType::F32), Val::from(666.6f32))?;
    let gf64 = Global::new(&mut *store, g(ValType::F64), Val::from(666.6f64))?;
    linker.define("spectest", "global_i32", gi32)?;
    linker.define("spectest", "global_i64", gi64)?;
    linker.define("spectest", "global_f32", gf32)?;
    linker.define("spectest", "global_f64", gf64)?;
    let table = Table::new(&mut *store, TableType::new(ValType::FUNCREF, 10, Some(20)), Val::FuncRef(None))?;
    linker.define("spectest", "table", table)?;
    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define("spectest", "memory", memory)?;
    Ok(())
}

/// Runs one wast file under `config`.
pub fn run_file(config: &Config, file: &str, text: &str) -> FileReport {
    let mut report = FileReport { counts: Counts::default(), failures: Vec::new(), skips: Vec::new() };
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            report.counts.failed += 1;
            report.failures.push(format!("{file}: cannot lex: {e}"));
            return report;
        }
    };
    let wast = match parser::parse::<Wast>(&buf) {
        Ok(w) => w,
        Err(e) => {
            report.counts.failed += 1;
            report.failures.push(format!("{file}: cannot parse: {e}"));
            return report;
        }
    };
    let engine = Engine::new(config);
    let mut store = Store::new(&engine, ());
    if config_has_fuel(&engine) {
        // Plenty for any spec test; running out would be a failure.
        let _ = store.set_fuel(u64::MAX / 2);
    }
    let mut linker = Linker::new(&engine);
    linker.allow_shadowing(true);
    if let Err(e) = spectest(&mut store, &mut linker) {
        report.counts.failed += 1;
        report.failures.push(format!("{file}: spectest setup failed: {e}"));
        return report;
    }
    let mut runner = Runner {
        engine,
        store,
        linker,
        current: None,
        named: HashMap::new(),
        definitions: HashMap::new(),
        externrefs: HashMap::new(),
        unavailable: None,
        unavailable_named: HashMap::new(),
        unavailable_registered: HashMap::new(),
        text,
        file,
        report,
    };
    for directive in wast.directives {
        let line = {
            let (l, _) = directive.span().linecol_in(text);
            l + 1
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Outcome::Fail(format!("PANIC: {msg}"))
            });
        let outcome = match outcome {
            Outcome::Fail(m) if m.starts_with(WAITING) => Outcome::Skip(m[WAITING.len()..].to_string()),
            o => o,
        };
        match outcome {
            Outcome::Pass => runner.report.counts.passed += 1,
            Outcome::Fail(m) => {
                runner.report.counts.failed += 1;
                runner.report.failures.push(format!("{}:{line}: {m}", runner.file));
            }
            Outcome::Skip(m) => {
                runner.report.counts.skipped += 1;
                runner.report.skips.push(format!("{}:{line}: {m}", runner.file));
            }
        }
    }
    let _ = runner.text;
    runner.report
}

/// Starts a directive's error that means "skipped": it needs a module that
/// uses a feature Tandem does not have yet (`waiting_feature`).
const WAITING: &str = "waiting: ";

/// The feature a module refused as unsupported needs, if the spec runner
/// may skip what depends on it: GC or exception handling (issue 23). Any
/// other refusal is a failure.
fn waiting_feature(e: &Error) -> Option<String> {
    let m = e.to_string();
    if !m.starts_with("unsupported feature") {
        return None;
    }
    let feature = if m.contains("(GC)") {
        "GC"
    } else if m.contains("exception") {
        "exception handling (issue 23)"
    } else {
        return None;
    };
    Some(format!("{WAITING}needs {feature}: {m}"))
}

impl Runner<'_> {
    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<Instance, String> {
        match id {
            Some(id) => self.named.get(id.name()).copied().ok_or_else(|| match self.unavailable_named.get(id.name()) {
                Some(why) => why.clone(),
                None => format!("unknown module ${}", id.name()),
            }),
            None => self.current.ok_or_else(|| self.unavailable.clone().unwrap_or_else(|| "no current module".into())),
        }
    }

    fn compile(&self, bytes: &[u8]) -> Result<Module, Error> {
        Module::from_binary(&self.engine, bytes)
    }

    /// Compiles `bytes`; a module needing a feature Tandem does not have
    /// yet is a `WAITING` error.
    fn compile_or_wait(&self, bytes: &[u8]) -> Result<Module, String> {
        self.compile(bytes).map_err(|e| waiting_feature(&e).unwrap_or_else(|| format!("module rejected: {e}")))
    }

    /// Instantiates `module`; one that imports from a module registered
    /// while unavailable is a `WAITING` error.
    fn link(&mut self, module: &Module) -> Result<Instance, String> {
        self.linker.instantiate(&mut self.store, module).map_err(|e| {
            let from = module.imports().find_map(|(m, _, _)| self.unavailable_registered.get(m));
            from.cloned().unwrap_or_else(|| format!("instantiation failed: {e}"))
        })
    }

    fn instantiate_wat(&mut self, wat: &mut QuoteWat<'_>) -> Result<Instance, String> {
        let bytes = wat.encode().map_err(|e| format!("cannot encode module: {e}"))?;
        self.compile_or_wait(&bytes).and_then(|module| self.link(&module))
    }

    /// A new instance (named `name`) becomes the current module; a failed
    /// one leaves none, and if it waits for a feature (`WAITING`), what
    /// uses it is skipped.
    fn make_current(&mut self, result: Result<Instance, String>, name: Option<&str>) -> Outcome {
        match result {
            Ok(inst) => {
                if let Some(name) = name {
                    self.named.insert(name.to_string(), inst);
                }
                self.current = Some(inst);
                self.unavailable = None;
                Outcome::Pass
            }
            Err(e) => {
                self.current = None;
                self.unavailable = e.starts_with(WAITING).then(|| e.clone());
                if let Some(name) = name.filter(|_| e.starts_with(WAITING)) {
                    self.unavailable_named.insert(name.to_string(), e.clone());
                }
                Outcome::Fail(e)
            }
        }
    }

    fn arg(&mut self, a: &WastArg<'_>) -> Result<Val, String> {
        let WastArg::Core(a) = a else { return Err("component argument".into()) };
        Ok(match a {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
                ..
            }) => Val::ExternRef(None),
            WastArgCore::RefNull(_) => Val::FuncRef(None),
            WastArgCore::RefExtern(n) => Val::ExternRef(Some(self.externref(*n))),
            other => return Err(format!("unsupported argument {other:?}")),
        })
    }

    fn externref(&mut self, n: u32) -> ExternRef {
        if let Some(r) = self.externrefs.get(&n) {
            return *r;
        }
        let r = ExternRef::new(&mut self.store, n);
        self.externrefs.insert(n, r);
        r
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Result<Vec<Val>, Error>, String> {
        let inst = self.instance(inv.module)?;
        let func: Func =
            inst.get_func(&mut self.store, inv.name).ok_or_else(|| format!("no exported function {}", inv.name))?;
        let mut args = Vec::new();
        for a in &inv.args {
            args.push(self.arg(a)?);
        }
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        Ok(func.call(&mut self.store, &args, &mut results).map(|()| results))
    }

    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Result<Vec<Val>, Error>, String> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(inv),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(*module)?;
                let g =
                    inst.get_global(&mut self.store, global).ok_or_else(|| format!("no exported global {global}"))?;
                Ok(Ok(vec![g.get(&mut self.store)]))
            }
            WastExecute::Wat(wat) => {
                let Wat::Module(m) = wat else { return Err("component".into()) };
                let bytes = m.encode().map_err(|e| format!("cannot encode module: {e}"))?;
                let module = self.compile_or_wait(&bytes)?;
                Ok(self.linker.instantiate(&mut self.store, &module).map(|_| Vec::new()))
            }
        }
    }

    fn matches(&self, got: &Val, want: &WastRet<'_>) -> bool {
        let WastRet::Core(want) = want else { return false };
        self.matches_core(got, want)
    }

    fn matches_core(&self, got: &Val, want: &WastRetCore<'_>) -> bool {
        match (got, want) {
            (_, WastRetCore::Either(any)) => any.iter().any(|w| self.matches_core(got, w)),
            (Val::I32(a), WastRetCore::I32(b)) => a == b,
            (Val::I64(a), WastRetCore::I64(b)) => a == b,
            (Val::F32(a), WastRetCore::F32(p)) => f32_matches(*a, p),
            (Val::F64(a), WastRetCore::F64(p)) => f64_matches(*a, p),
            (Val::V128(v), WastRetCore::V128(p)) => v128_matches(*v, p),
            (Val::FuncRef(f), WastRetCore::RefNull(_)) => f.is_none(),
            (Val::ExternRef(r), WastRetCore::RefNull(_)) => r.is_none(),
            (Val::FuncRef(f), WastRetCore::RefFunc(_)) => f.is_some(),
            (Val::ExternRef(r), WastRetCore::RefExtern(n)) => match (r, n) {
                (Some(r), Some(n)) => {
                    r.data(&self.store).ok().and_then(|d| d.downcast_ref::<u32>().copied()) == Some(*n)
                }
                (Some(_), None) => true,
                (None, _) => false,
            },
            _ => false,
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Outcome {
        use Outcome::*;
        match d {
            WastDirective::Module(mut wat) => {
                let result = self.instantiate_wat(&mut wat);
                self.make_current(result, wat.name().map(|n| n.name()))
            }
            WastDirective::Register { name, module, .. } => match self.instance(module) {
                Ok(inst) => match self.linker.instance(&mut self.store, name, inst) {
                    Ok(_) => Pass,
                    Err(e) => Fail(format!("register failed: {e}")),
                },
                Err(e) => {
                    if e.starts_with(WAITING) {
                        self.unavailable_registered.insert(name.to_string(), e.clone());
                    }
                    Fail(e)
                }
            },
            WastDirective::Invoke(inv) => match self.invoke(&inv) {
                Ok(Ok(_)) => Pass,
                Ok(Err(e)) => Fail(format!("invoke {} failed: {e}", inv.name)),
                Err(e) => Fail(e),
            },
            WastDirective::AssertReturn { mut exec, results, .. } => match self.execute(&mut exec) {
                Ok(Ok(got)) => {
                    if got.len() == results.len() && got.iter().zip(&results).all(|(g, w)| self.matches(g, w)) {
                        Pass
                    } else {
                        Fail(format!("assert_return: got {got:?}, want {results:?}"))
                    }
                }
                Ok(Err(e)) => Fail(format!("assert_return: error {e}")),
                Err(e) => Fail(e),
            },
            WastDirective::AssertTrap { mut exec, message, .. } => match self.execute(&mut exec) {
                Ok(Ok(got)) => Fail(format!("assert_trap ({message}): returned {got:?}")),
                Ok(Err(e)) => match e.as_trap() {
                    Some(t) if trap_matches(t.code(), message) => Pass,
                    Some(t) => Fail(format!("assert_trap: trapped with `{}`, want `{message}`", t.code())),
                    None => Fail(format!("assert_trap: not a trap: {e}")),
                },
                Err(e) => Fail(e),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(Ok(got)) => Fail(format!("assert_exhaustion ({message}): returned {got:?}")),
                Ok(Err(e)) if e.trap_code() == Some(TrapCode::StackOverflow) => Pass,
                Ok(Err(e)) => Fail(format!("assert_exhaustion: wrong error {e}")),
                Err(e) => Fail(e),
            },
            WastDirective::AssertInvalid { mut module, message, .. } => match module.encode() {
                Err(_) => Pass,
                Ok(bytes) => match self.compile(&bytes) {
                    Ok(_) => Fail(format!("assert_invalid ({message}): module was accepted")),
                    Err(_) => Pass,
                },
            },
            WastDirective::AssertMalformed { mut module, message, .. } => match module.encode() {
                Err(_) => Pass,
                Ok(bytes) => match self.compile(&bytes) {
                    Ok(_) => Fail(format!("assert_malformed ({message}): module was accepted")),
                    Err(_) => Pass,
                },
            },
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let Wat::Module(mut m) = module else { return Skip("component module".into()) };
                let bytes = match m.encode() {
                    Ok(b) => b,
                    Err(e) => return Fail(format!("cannot encode: {e}")),
                };
                match self.compile_or_wait(&bytes) {
                    // A `WAITING` error stays as it is: it becomes a skip.
                    Err(e) if e.starts_with(WAITING) => Fail(e),
                    Err(e) => Fail(format!("assert_unlinkable ({message}): {e}")),
                    Ok(module) => match self.linker.instantiate(&mut self.store, &module) {
                        Ok(_) => Fail(format!("assert_unlinkable ({message}): module linked")),
                        Err(_) => Pass,
                    },
                }
            }
            // Wasm 3.0's test constructs: a module compiled but not
            // instantiated, and instances of a named definition.
            WastDirective::ModuleDefinition(mut wat) => {
                let bytes = match wat.encode() {
                    Ok(b) => b,
                    Err(e) => return Fail(format!("cannot encode module: {e}")),
                };
                match self.compile_or_wait(&bytes) {
                    Ok(module) => {
                        if let Some(name) = wat.name() {
                            self.definitions.insert(name.name().to_string(), module);
                        }
                        Pass
                    }
                    Err(e) => {
                        if let Some(name) = wat.name().filter(|_| e.starts_with(WAITING)) {
                            self.unavailable_named.insert(name.name().to_string(), e.clone());
                        }
                        Fail(e)
                    }
                }
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let def = module.and_then(|m| self.definitions.get(m.name()).cloned());
                let result = match def {
                    Some(def) => self.link(&def),
                    None => Err(module
                        .and_then(|m| self.unavailable_named.get(m.name()).cloned())
                        .unwrap_or_else(|| "module instance of an unknown definition".into())),
                };
                self.make_current(result, instance.map(|n| n.name()))
            }
            other => Skip(format!("directive not part of Wasm 2.0: {:?}", std::mem::discriminant(&other))),
        }
    }
}

fn f32_matches(a: u32, p: &NanPattern<wast::token::F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => a & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => a & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => a == v.bits,
    }
}

fn f64_matches(a: u64, p: &NanPattern<wast::token::F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => a & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => a & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => a == v.bits,
    }
}

/// Does a `v128` match a lane pattern (lane 0 in the low bits)?
fn v128_matches(v: u128, p: &V128Pattern) -> bool {
    let lane = |bits: u32, i: usize| (v >> (bits as usize * i)) as u64 & (u64::MAX >> (64 - bits));
    match p {
        V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, x)| lane(8, i) == *x as u8 as u64),
        V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, x)| lane(16, i) == *x as u16 as u64),
        V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, x)| lane(32, i) == *x as u32 as u64),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(64, i) == *x as u64),
        V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| f32_matches(lane(32, i) as u32, p)),
        V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| f64_matches(lane(64, i), p)),
    }
}

fn config_has_fuel(engine: &Engine) -> bool {
    Store::new(engine, ()).get_fuel().is_ok()
}

/// Does a trap code satisfy an `assert_trap` message?
fn trap_matches(code: TrapCode, message: &str) -> bool {
    let ours = code.message();
    message.starts_with(ours)
        || ours.starts_with(message)
        || matches!(
            (code, message),
            (TrapCode::TableOutOfBounds, "undefined element")
                | (TrapCode::IndirectCallToNull, "uninitialized element")
                | (TrapCode::NullReference, "null function reference")
                | (TrapCode::TableOutOfBounds, "out of bounds table access")
                | (TrapCode::MemoryOutOfBounds, "out of bounds memory access")
        )
}

/// Runs every file of a suite (`suite` names it in the summary line: the
/// spec testsuite or our regressions) and prints one line per file and the
/// summary line; returns the totals. The only directives skipped are
/// those that need a module using GC or exception handling, which Tandem
/// does not have yet (`waiting_feature`): printed by reason, with lines.
pub fn run_suite(suite: &str, mode: &str, config: &Config, files: &[(String, &str)]) -> Counts {
    let mut total = Counts::default();
    for (name, text) in files {
        let report = run_file(config, name, text);
        let c = report.counts;
        println!("{name}: {} passed, {} failed, {} skipped", c.passed, c.failed, c.skipped);
        for f in report.failures.iter().take(20) {
            println!("    FAIL {f}");
        }
        if report.failures.len() > 20 {
            println!("    ... {} more failures", report.failures.len() - 20);
        }
        // Skipped directives, by reason: `file:line: reason` each.
        let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
        for s in &report.skips {
            let (at, why) = s.split_once(": ").unwrap_or((s, ""));
            let line = at.rsplit(':').next().unwrap_or(at);
            match reasons.iter_mut().find(|(w, _)| *w == why) {
                Some((_, lines)) => lines.push(line),
                None => reasons.push((why, vec![line])),
            }
        }
        for (why, lines) in reasons {
            println!("    SKIP {} directive(s) at lines {}: {why}", lines.len(), lines.join(", "));
        }
        total += c;
    }
    println!("{suite} [{mode}]: {} passed, {} failed, {} skipped", total.passed, total.failed, total.skipped);
    total
}
