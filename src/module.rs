//! `Module`: a validated module, ready to instantiate in any store of its engine.

use crate::engine::{Engine, Tier, Translation};
use crate::errors::{Error, Result};
use std::sync::Arc;
use tandem_vm_core::bytecode::CompiledFunc;
use tandem_vm_core::module_env::{BodyValidation, EntityType, ExportIndex, ModuleEnv};
use tandem_vm_core::parallel::Split;
use tandem_vm_core::store::ModuleInfo;

/// A compiled module.
#[derive(Clone)]
pub struct Module {
    pub(crate) engine: Engine,
    pub(crate) info: Arc<ModuleInfo>,
}

/// The kind of an import or export, with its type.
pub type ExternType = EntityType;

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("name", &self.name()).field("functions", &self.num_funcs()).finish()
    }
}

impl Module {
    /// Validates `bytes` (binary, or text when the `wat` feature is on).
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        #[cfg(feature = "wat")]
        {
            if !bytes.starts_with(b"\0asm") {
                let binary = wat::parse_bytes(bytes)
                    .map_err(|e| Error::from_kind(crate::errors::ErrorKind::Wat(e.to_string())))?;
                return Self::from_binary(engine, &binary);
            }
        }
        Self::from_binary(engine, bytes)
    }

    /// Validates a binary module.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let cfg = engine.config();
        let bodies = match cfg.translation {
            Translation::Lazy if cfg.parallel_validation => BodyValidation::EagerParallel,
            Translation::Lazy => BodyValidation::Eager,
            Translation::Eager | Translation::LazyValidation => BodyValidation::Deferred,
        };
        #[cfg(not(feature = "jit"))]
        if cfg.tier != Tier::Interp {
            return Err(Error::usage(format!("tier {:?} needs Tandem built with the `jit` feature", cfg.tier)));
        }
        let env = ModuleEnv::with_body_validation(bytes, bodies, cfg.features)?;
        let mut info = ModuleInfo::new(env, &engine.inner.sigs, cfg.consume_fuel, engine.inner.id)?;
        info.hot_counters = cfg.tier == Tier::Tiered;
        info.canonicalize_nans = cfg.canonicalize_nans;
        info.jit = cfg.jit;
        let module = Module { engine: engine.clone(), info: Arc::new(info) };
        #[cfg(feature = "jit")]
        if cfg.tier == Tier::Jit {
            // Translates every function too.
            crate::jit::compile_all(&module, cfg.parallel_validation)?;
            return Ok(module);
        }
        if cfg.translation == Translation::Eager {
            // Functions translate independently: on every core for a large
            // module (first error in module order either way).
            let info = &*module.info;
            tandem_vm_core::parallel::for_each(
                (0..info.env.num_defined_funcs()).collect(),
                |&d| info.env.body_len(d),
                Split::BODIES.only_if(cfg.parallel_validation),
                || (),
                |_, d| tandem_interp::compiled(info, d).map(drop),
            )?;
        }
        Ok(module)
    }

    /// The bytecode of defined function `def_index`, translating it if needed.
    pub fn compiled(&self, def_index: u32) -> Result<Arc<CompiledFunc>> {
        Ok(tandem_interp::compiled(&self.info, def_index)?.clone())
    }

    /// How many of this module's functions have compiled code: (function
    /// entries, on-stack-replacement entries). Tiered mode fills them as
    /// functions and loops get hot; `Tier::Jit` compiles every function
    /// entry up front.
    pub fn compiled_functions(&self) -> (usize, usize) {
        let entries = self.info.native.iter().filter(|n| n.get().is_some()).count();
        let osr = self.info.osr_entries.iter().filter(|n| n.get().is_some()).count();
        (entries, osr)
    }

    /// The functions the JIT refused to compile, because their compile cost
    /// was over `Config::jit_compile_budget`: (function index, imports
    /// included; the reason), in index order. They run in the interpreter.
    pub fn jit_refused(&self) -> Vec<(u32, String)> {
        let imported = self.info.env.num_imported_funcs;
        let refused = self.info.jit_refused.lock().unwrap_or_else(|e| e.into_inner());
        let mut list: Vec<(u32, String)> = refused.iter().map(|(def, why)| (def + imported, why.clone())).collect();
        list.sort();
        list
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Name from the name section.
    pub fn name(&self) -> Option<&str> {
        self.info.env.module_name()
    }

    /// (module, name, type) of each import.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, &ExternType)> {
        self.info.env.imports.iter().map(|i| (i.module.as_str(), i.name.as_str(), &i.ty))
    }

    /// (name, type) of each export.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> {
        let env = &self.info.env;
        env.exports.iter().map(move |(name, idx)| {
            let ty = match *idx {
                ExportIndex::Func(f) => EntityType::Func(env.funcs[f as usize]),
                ExportIndex::Table(t) => EntityType::Table(env.tables[t as usize]),
                ExportIndex::Memory(m) => EntityType::Memory(env.memories[m as usize]),
                ExportIndex::Global(g) => EntityType::Global(env.globals[g as usize]),
            };
            (name.as_str(), ty)
        })
    }

    /// The function type with index `index` in this module's type section.
    pub fn func_type(&self, type_index: u32) -> Option<&crate::FuncType> {
        self.info.env.types.get(type_index as usize)
    }

    /// Number of functions (imports included) and of defined functions.
    pub fn num_funcs(&self) -> (u32, u32) {
        (self.info.env.funcs.len() as u32, self.info.env.num_defined_funcs())
    }

    /// Display name of function `index` (name section), if any.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.info.env.func_name(index)
    }
}
