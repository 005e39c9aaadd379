//! The module environment: everything a validated module declares (types,
//! imports, functions, tables, memories, globals, exports, segments, names),
//! decoded and validated once with `wasmparser`.

use crate::value::{FuncType, ValType};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
pub use wasmparser::WasmFeatures;
use wasmparser::{Parser, Payload, Validator};

/// What kind of problem a module has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleErrorKind {
    /// The bytes are not a well-formed or valid Wasm 2.0 module.
    Invalid,
    /// The module is valid but uses a feature Tandem does not implement yet.
    Unsupported,
    /// A translator limit (e.g. more than 65 535 slots in one function).
    ImplementationLimit,
}

/// A decoding, validation or unsupported-feature error, with the byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleError {
    pub kind: ModuleErrorKind,
    pub message: String,
    pub offset: Option<usize>,
}

impl ModuleError {
    pub fn invalid(message: impl Into<String>, offset: usize) -> Self {
        ModuleError { kind: ModuleErrorKind::Invalid, message: message.into(), offset: Some(offset) }
    }
    pub fn unsupported(message: impl Into<String>, offset: Option<usize>) -> Self {
        ModuleError { kind: ModuleErrorKind::Unsupported, message: message.into(), offset }
    }
    pub fn limit(message: impl Into<String>) -> Self {
        ModuleError { kind: ModuleErrorKind::ImplementationLimit, message: message.into(), offset: None }
    }
}

impl From<wasmparser::BinaryReaderError> for ModuleError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        ModuleError::invalid(e.message(), e.offset())
    }
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ModuleErrorKind::Invalid => "invalid module",
            ModuleErrorKind::Unsupported => "unsupported feature",
            ModuleErrorKind::ImplementationLimit => "implementation limit",
        };
        match self.offset {
            Some(off) => write!(f, "{what}: {} (at offset {off:#x})", self.message),
            None => write!(f, "{what}: {}", self.message),
        }
    }
}

impl std::error::Error for ModuleError {}

/// Table type: element type and limits; 32-bit indices, or 64-bit ones
/// (memory64's 64-bit tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableType {
    pub element: ValType,
    pub min: u64,
    pub max: Option<u64>,
    /// Indices, sizes and lengths are `i64`.
    pub table64: bool,
}

impl TableType {
    /// A table of `min` `element`s, growing to `max`.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType { element, min: min as u64, max: max.map(u64::from), table64: false }
    }

    /// A 64-bit table (indices are `i64`) of `min` `element`s, growing to `max`.
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> TableType {
        TableType { element, min, max, table64: true }
    }

    /// Are the table's indices 64-bit?
    pub fn is_64(&self) -> bool {
        self.table64
    }
}

/// Memory type: limits in pages (64 KiB, or single bytes with custom page
/// sizes); 32-bit addresses, or 64-bit ones (memory64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryType {
    pub min: u64,
    pub max: Option<u64>,
    /// Addresses, lengths and page counts are `i64` (memory64).
    pub memory64: bool,
    /// Pages are `2^page_size_log2` bytes: 16 (the default) or 0.
    pub page_size_log2: u8,
}

impl MemoryType {
    /// The log2 of the wasm page size without custom page sizes (64 KiB).
    pub const DEFAULT_PAGE_SIZE_LOG2: u8 = 16;

    /// A 32-bit memory of `min` 64 KiB pages, growing to `max` (or 4 GiB).
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        let page_size_log2 = Self::DEFAULT_PAGE_SIZE_LOG2;
        MemoryType { min: min as u64, max: max.map(u64::from), memory64: false, page_size_log2 }
    }

    /// A 64-bit memory (memory64) of `min` 64 KiB pages, growing to `max`.
    pub fn new64(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType { min, max, memory64: true, page_size_log2: Self::DEFAULT_PAGE_SIZE_LOG2 }
    }

    /// The same memory type with pages of `2^log2` bytes (custom page
    /// sizes: 0 or 16), its limits counted in those pages.
    pub fn with_page_size_log2(mut self, log2: u8) -> MemoryType {
        self.page_size_log2 = log2;
        self
    }

    /// Are the memory's addresses 64-bit?
    pub fn is_64(&self) -> bool {
        self.memory64
    }

    /// The log2 of the page size in bytes.
    pub fn page_size_log2(&self) -> u8 {
        self.page_size_log2
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }
}

/// Global type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalType {
    pub ty: ValType,
    pub mutable: bool,
}

/// One operator of a constant expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    /// `v128.const`.
    V128(u128),
}

/// A constant expression (a short stack program).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ConstExpr(pub Vec<ConstOp>);

/// The kinds of an import or export.
#[derive(Clone, Debug, PartialEq)]
pub enum EntityType {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

/// An import.
#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub ty: EntityType,
}

/// What an export refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

/// Where an element or data segment goes.
#[derive(Clone, Debug)]
pub enum SegmentMode {
    Active { index: u32, offset: ConstExpr },
    Passive,
    Declared,
}

/// An element segment: items are constant expressions (function indices
/// become `RefFunc`).
#[derive(Clone, Debug)]
pub struct ElemSegment {
    pub mode: SegmentMode,
    pub ty: ValType,
    pub items: Vec<ConstExpr>,
}

/// A data segment; `bytes` is a range of the module's bytes.
#[derive(Clone, Debug)]
pub struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Range<usize>,
}

/// A defined function's body: a range of the module's bytes.
#[derive(Clone, Debug)]
pub struct FuncBody {
    pub range: Range<usize>,
}

/// Names from the name section.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub module: Option<String>,
    pub funcs: HashMap<u32, String>,
}

/// What a deferred body's validator knows of its module: one per module,
/// shared by all its bodies.
pub type BodyResources = Arc<wasmparser::ValidatorResources>;

/// A function body whose validation was deferred to translation.
#[derive(Clone, Debug)]
pub struct PendingBody {
    /// The features the module was validated with.
    pub features: WasmFeatures,
    pub resources: BodyResources,
    pub index: u32,
    pub ty: u32,
}

impl PendingBody {
    /// A validator for this body, with the module's features.
    pub fn validator(&self, allocs: wasmparser::FuncValidatorAllocations) -> wasmparser::FuncValidator<BodyResources> {
        self.validator_with(self.features, allocs)
    }

    fn validator_with(
        &self,
        features: WasmFeatures,
        allocs: wasmparser::FuncValidatorAllocations,
    ) -> wasmparser::FuncValidator<BodyResources> {
        wasmparser::FuncToValidate { resources: self.resources.clone(), index: self.index, ty: self.ty, features }
            .into_validator(allocs)
    }

    /// The error to report for `e`, the body `bytes` (at `offset` in the
    /// module) failing validation: as `ModuleEnv::with_body_validation`
    /// reports for a module (`refine`).
    pub fn classify(&self, e: ModuleError, bytes: &[u8], offset: usize) -> ModuleError {
        let all_ours = self.features == validator_features(supported_features());
        refine(e, all_ours, |features| {
            let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new_features(bytes, offset, features));
            self.validator_with(features, Default::default()).validate(&body).is_ok()
        })
    }
}

/// The error to report for `e`, a module or body failing validation with
/// an engine's features (`all_ours`: every feature Tandem has), where
/// `valid_with` validates it again with other features. Only the error path
/// pays for this. A module valid with every feature Tandem has uses one the
/// engine switched off (`switched_off`); one valid only with a proposal
/// Tandem lacks (exceptions, threads, stack switching...) is unsupported
/// too, saying so; anything else stays `e`.
fn refine(e: ModuleError, all_ours: bool, valid_with: impl Fn(WasmFeatures) -> bool) -> ModuleError {
    if e.kind != ModuleErrorKind::Invalid {
        e
    } else if !all_ours && valid_with(validator_features(supported_features())) {
        switched_off(&e.message, e.offset)
    } else if valid_with(WasmFeatures::all()) {
        ModuleError::unsupported(format!("{} (valid with a proposal Tandem does not implement)", e.message), e.offset)
    } else {
        e
    }
}

/// A module (or body) valid with every feature Tandem has but refused
/// with the engine's: `message` and where, naming the switches.
fn switched_off(message: &str, offset: Option<usize>) -> ModuleError {
    ModuleError::unsupported(
        format!(
            "{message} (the module needs a feature that is switched off in this engine's `Config`: \
             `Config::wasm_simd`, `wasm_relaxed_simd`, `wasm_extended_const`, `wasm_tail_call`, `wasm_multi_memory`, \
             `wasm_memory64`, `wasm_function_references`, `wasm_custom_page_sizes` or `wasm_wide_arithmetic`)"
        ),
        offset,
    )
}

/// When function bodies are validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyValidation {
    /// While the module is decoded.
    Eager,
    /// When the module is decoded, spread over the machine's cores (bodies
    /// validate independently); the first error in module order is reported.
    EagerParallel,
    /// By the translator, in the same pass that translates the body.
    Deferred,
}

/// The decoded, validated module.
#[derive(Debug, Default)]
pub struct ModuleEnv {
    pub bytes: Arc<[u8]>,
    /// Function types; a concrete reference type in them names a type
    /// by its index here.
    pub types: Vec<FuncType>,
    /// The recursive type groups: ranges of `types`, in order, covering
    /// it (a type outside an explicit `rec` is a group of one).
    pub rec_groups: Vec<Range<u32>>,
    pub imports: Vec<Import>,
    /// Type index of every function, imports first.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initialisers of the defined tables' elements (`ref.null` unless
    /// the table declares an expression).
    pub table_inits: Vec<ConstExpr>,
    /// Initialisers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<(String, ExportIndex)>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub bodies: Vec<FuncBody>,
    /// With deferred body validation: one entry per defined function.
    pub pending: Vec<PendingBody>,
    /// The name section's bytes (a range of `bytes`), parsed on first use:
    /// only backtraces and tools need names, start-up should not pay for them.
    pub name_section: Option<Range<usize>>,
    names: std::sync::OnceLock<Names>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
}

/// The feature set Tandem implements: Wasm 2.0 (128-bit SIMD included),
/// relaxed SIMD, extended constant expressions, tail calls, multiple
/// memories, 64-bit memories, typed function references, custom page sizes
/// and wide arithmetic.
pub fn supported_features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::MEMORY64
        | WasmFeatures::CUSTOM_PAGE_SIZES
        | WasmFeatures::WIDE_ARITHMETIC
}

/// The features wasmparser validates with for a module of `features`.
///
/// Typed function references bring Wasm 3.0's constant expressions, where
/// `global.get` may read any immutable global defined before; wasmparser
/// allows that only with the GC proposal. So with function references on,
/// validation runs with GC too, and the decoder refuses what GC adds
/// (struct and array types, subtype declarations, GC heap types, GC
/// operators) as unsupported.
pub fn validator_features(features: WasmFeatures) -> WasmFeatures {
    if features.contains(WasmFeatures::FUNCTION_REFERENCES) { features | WasmFeatures::GC } else { features }
}

/// The features Tandem validates with by default: all it implements but
/// custom page sizes and wide arithmetic (as in wasmtime, which leaves
/// those proposals off).
pub fn default_features() -> WasmFeatures {
    supported_features() - WasmFeatures::WIDE_ARITHMETIC - WasmFeatures::CUSTOM_PAGE_SIZES
}

impl ModuleEnv {
    /// Decodes and validates `bytes` (every function body included).
    pub fn new(bytes: &[u8]) -> Result<ModuleEnv, ModuleError> {
        Self::with_body_validation(bytes, BodyValidation::Eager, default_features())
    }

    /// Decodes and validates `bytes` with `features` (a subset of
    /// `supported_features`); function bodies are validated now or, with
    /// `BodyValidation::Deferred`, by the translator (`pending`).
    pub fn with_body_validation(
        bytes: &[u8],
        bodies: BodyValidation,
        features: WasmFeatures,
    ) -> Result<ModuleEnv, ModuleError> {
        let features = features & supported_features();
        match Self::parse(bytes, features, bodies) {
            Ok(env) => Ok(env),
            Err(e) => {
                let all_ours = features == supported_features();
                Err(refine(e, all_ours, |f| Validator::new_with_features(f).validate_all(bytes).is_ok()))
            }
        }
    }

    /// Are table `index`'s indices 64-bit?
    pub fn table64(&self, index: u32) -> bool {
        self.tables.get(index as usize).is_some_and(|t| t.table64)
    }

    /// How the bytecode names memory `index` (`MemRef`): the index and its
    /// address width.
    pub fn memory_ref(&self, index: u32) -> crate::bytecode::MemRef {
        let ty = self.memories.get(index as usize).copied().unwrap_or(MemoryType::new(0, None));
        crate::bytecode::MemRef::new(index, ty.memory64, ty.page_size_log2).unwrap_or_default()
    }

    /// Type of function `index` (imports included).
    pub fn func_type(&self, index: u32) -> Option<&FuncType> {
        self.types.get(*self.funcs.get(index as usize)? as usize)
    }

    /// Name of function `index` from the name section.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.names().funcs.get(&index).map(|s| s.as_str())
    }

    /// Names from the name section (empty if absent or malformed).
    pub fn names(&self) -> &Names {
        self.names.get_or_init(|| {
            let mut names = Names::default();
            if let Some(range) = &self.name_section {
                let reader = wasmparser::BinaryReader::new(&self.bytes[range.clone()], range.start);
                // A malformed name section is ignored, as the spec requires.
                let _ = read_names(&mut names, wasmparser::NameSectionReader::new(reader));
            }
            names
        })
    }

    /// Name of the module from the name section.
    pub fn module_name(&self) -> Option<&str> {
        self.names().module.as_deref()
    }

    pub fn num_defined_funcs(&self) -> u32 {
        self.funcs.len() as u32 - self.num_imported_funcs
    }

    /// Size in bytes of defined function `def`'s body (0 if there is none).
    pub fn body_len(&self, def: u32) -> usize {
        self.bodies.get(def as usize).map_or(0, |b| b.range.len())
    }

    fn parse(bytes: &[u8], features: WasmFeatures, bodies: BodyValidation) -> Result<ModuleEnv, ModuleError> {
        let mut env = ModuleEnv { bytes: Arc::from(bytes), ..Default::default() };
        let features = validator_features(features);
        let mut validator = Validator::new_with_features(features);
        let mut allocs = wasmparser::FuncValidatorAllocations::default();
        let mut queued = Vec::new();
        let mut shared: Option<BodyResources> = None;
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload?;
            match validator.payload(&payload)? {
                wasmparser::ValidPayload::Func(func, body) => match bodies {
                    BodyValidation::Eager => {
                        let mut fv = func.into_validator(allocs);
                        fv.validate(&body)?;
                        allocs = fv.into_allocations();
                    }
                    BodyValidation::EagerParallel => queued.push((func, body)),
                    BodyValidation::Deferred => {
                        let resources = shared.get_or_insert_with(|| Arc::new(func.resources)).clone();
                        env.pending.push(PendingBody { features, resources, index: func.index, ty: func.ty });
                    }
                },
                wasmparser::ValidPayload::End(_) => {}
                _ => {}
            }
            env.read_payload(payload)?;
        }
        validate_in_parallel(queued)?;
        Ok(env)
    }

    fn read_payload(&mut self, payload: Payload<'_>) -> Result<(), ModuleError> {
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.into_iter_with_offsets() {
                    let (offset, group) = group?;
                    let start = self.types.len() as u32;
                    for ty in group.types() {
                        let gc = |what: &str| ModuleError::unsupported(format!("{what} (GC)"), Some(offset));
                        if !ty.is_final || ty.supertype_idx.is_some() {
                            return Err(gc("subtype declarations"));
                        }
                        let wasmparser::CompositeInnerType::Func(f) = &ty.composite_type.inner else {
                            return Err(gc("struct and array types"));
                        };
                        if ty.composite_type.shared {
                            return Err(ModuleError::unsupported("shared types", Some(offset)));
                        }
                        self.types.push(FuncType::new(convert_types(f.params())?, convert_types(f.results())?));
                    }
                    self.rec_groups.push(start..self.types.len() as u32);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import?;
                    let ty = match import.ty {
                        wasmparser::TypeRef::Func(t) => {
                            self.funcs.push(t);
                            self.num_imported_funcs += 1;
                            EntityType::Func(t)
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = convert_table(&t)?;
                            self.tables.push(t);
                            self.num_imported_tables += 1;
                            EntityType::Table(t)
                        }
                        wasmparser::TypeRef::Memory(m) => {
                            let m = convert_memory(&m);
                            self.memories.push(m);
                            self.num_imported_memories += 1;
                            EntityType::Memory(m)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            let g = convert_global(&g)?;
                            self.globals.push(g);
                            self.num_imported_globals += 1;
                            EntityType::Global(g)
                        }
                        wasmparser::TypeRef::Tag(_) => {
                            return Err(ModuleError::unsupported("exception tags", None));
                        }
                    };
                    self.imports.push(Import { module: import.module.to_string(), name: import.name.to_string(), ty });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    self.funcs.push(t?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    self.tables.push(convert_table(&table.ty)?);
                    self.table_inits.push(match &table.init {
                        wasmparser::TableInit::RefNull => ConstExpr(vec![ConstOp::RefNull]),
                        wasmparser::TableInit::Expr(e) => convert_const(e)?,
                    });
                }
            }
            Payload::MemorySection(reader) => {
                let r = reader.range();
                check_memory_limits_leb(&self.bytes, r.start..r.end)?;
                for m in reader {
                    self.memories.push(convert_memory(&m?));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g?;
                    self.globals.push(convert_global(&g.ty)?);
                    self.global_inits.push(convert_const(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e?;
                    let index = match e.kind {
                        wasmparser::ExternalKind::Func => ExportIndex::Func(e.index),
                        wasmparser::ExternalKind::Table => ExportIndex::Table(e.index),
                        wasmparser::ExternalKind::Memory => ExportIndex::Memory(e.index),
                        wasmparser::ExternalKind::Global => ExportIndex::Global(e.index),
                        wasmparser::ExternalKind::Tag => {
                            return Err(ModuleError::unsupported("exception tags", None));
                        }
                    };
                    self.exports.push((e.name.to_string(), index));
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    let elem = elem?;
                    let mode = match elem.kind {
                        wasmparser::ElementKind::Passive => SegmentMode::Passive,
                        wasmparser::ElementKind::Declared => SegmentMode::Declared,
                        wasmparser::ElementKind::Active { table_index, offset_expr } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: convert_const(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match elem.items {
                        wasmparser::ElementItems::Functions(funcs) => {
                            let mut items = Vec::new();
                            for f in funcs {
                                items.push(ConstExpr(vec![ConstOp::RefFunc(f?)]));
                            }
                            (ValType::FUNCREF, items)
                        }
                        wasmparser::ElementItems::Expressions(ty, exprs) => {
                            let ty = ValType::from_wasmparser(wasmparser::ValType::Ref(ty))
                                .ok_or_else(|| ModuleError::unsupported(format!("element type {ty} (GC)"), None))?;
                            let mut items = Vec::new();
                            for e in exprs {
                                items.push(convert_const(&e?)?);
                            }
                            (ty, items)
                        }
                    };
                    self.elems.push(ElemSegment { mode, ty, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => SegmentMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            SegmentMode::Active { index: memory_index, offset: convert_const(&offset_expr)? }
                        }
                    };
                    let end = data.range.end;
                    let start = end - data.data.len();
                    self.datas.push(DataSegment { mode, bytes: start..end });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                self.bodies.push(FuncBody { range: r.start..r.end });
            }
            Payload::CustomSection(reader) if reader.name() == "name" => {
                let start = reader.data_offset();
                self.name_section = Some(start..start + reader.data().len());
            }
            _ => {}
        }
        Ok(())
    }
}

/// 32-bit memory limits are `u32` LEB128s (at most 5 bytes); wasmparser reads
/// them as `u64`, so overlong encodings are rejected here.
fn check_memory_limits_leb(bytes: &[u8], range: Range<usize>) -> Result<(), ModuleError> {
    let mut at = range.start;
    let end = range.end.min(bytes.len());
    let leb = |at: &mut usize| -> Result<u64, ModuleError> {
        let start = *at;
        let mut value = 0u64;
        for i in 0.. {
            let b = *bytes.get(*at).filter(|_| *at < end).ok_or_else(|| ModuleError::invalid("unexpected end", *at))?;
            *at += 1;
            if i < 10 {
                value |= ((b & 0x7f) as u64) << (7 * i);
            }
            if b & 0x80 == 0 {
                break;
            }
        }
        if *at - start > 5 {
            return Err(ModuleError::invalid("integer representation too long", start));
        }
        Ok(value)
    };
    let count = leb(&mut at)?;
    for _ in 0..count {
        let flags = *bytes.get(at).ok_or_else(|| ModuleError::invalid("unexpected end", at))?;
        at += 1;
        if flags & 0x04 != 0 {
            return Ok(()); // memory64: u64 limits, validated by wasmparser
        }
        leb(&mut at)?;
        if flags & 0x01 != 0 {
            leb(&mut at)?;
        }
        if flags & 0x08 != 0 {
            leb(&mut at)?; // custom page size exponent
        }
    }
    Ok(())
}

type QueuedBody<'a> = (wasmparser::FuncToValidate<wasmparser::ValidatorResources>, wasmparser::FunctionBody<'a>);

/// Validates function bodies on the machine's cores (`parallel::for_each`);
/// returns the error of the first invalid body in module order.
fn validate_in_parallel(queued: Vec<QueuedBody<'_>>) -> Result<(), ModuleError> {
    crate::parallel::for_each(
        queued,
        |(_, body)| body.range().len(),
        crate::parallel::Split::BODIES,
        wasmparser::FuncValidatorAllocations::default,
        |allocs, (func, body)| {
            let mut v = func.into_validator(std::mem::take(allocs));
            v.validate(&body)?;
            *allocs = v.into_allocations();
            Ok(())
        },
    )
}

fn read_names(names: &mut Names, reader: wasmparser::NameSectionReader<'_>) -> wasmparser::Result<()> {
    for name in reader {
        match name? {
            wasmparser::Name::Module { name, .. } => names.module = Some(name.to_string()),
            wasmparser::Name::Function(map) => {
                for naming in map {
                    let naming = naming?;
                    names.funcs.insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn convert_types(tys: &[wasmparser::ValType]) -> Result<Vec<ValType>, ModuleError> {
    tys.iter().map(|t| convert_val(*t)).collect()
}

fn convert_val(t: wasmparser::ValType) -> Result<ValType, ModuleError> {
    ValType::from_wasmparser(t).ok_or_else(|| ModuleError::unsupported(format!("value type {t}"), None))
}

fn convert_table(t: &wasmparser::TableType) -> Result<TableType, ModuleError> {
    if t.shared {
        return Err(ModuleError::unsupported("shared tables", None));
    }
    let element = convert_val(wasmparser::ValType::Ref(t.element_type))?;
    Ok(TableType { element, min: t.initial, max: t.maximum, table64: t.table64 })
}

fn convert_memory(m: &wasmparser::MemoryType) -> MemoryType {
    // Validation allows only 0 and 16.
    let page_size_log2 = m.page_size_log2.map_or(MemoryType::DEFAULT_PAGE_SIZE_LOG2, |l| l as u8);
    MemoryType { min: m.initial, max: m.maximum, memory64: m.memory64, page_size_log2 }
}

fn convert_global(g: &wasmparser::GlobalType) -> Result<GlobalType, ModuleError> {
    Ok(GlobalType { ty: convert_val(g.content_type)?, mutable: g.mutable })
}

fn convert_const(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, ModuleError> {
    use wasmparser::Operator as O;
    let mut ops = Vec::new();
    let mut reader = e.get_operators_reader();
    while !reader.eof() {
        let offset = reader.original_position();
        ops.push(match reader.read()? {
            O::I32Const { value } => ConstOp::I32(value),
            O::I64Const { value } => ConstOp::I64(value),
            O::F32Const { value } => ConstOp::F32(value.bits()),
            O::F64Const { value } => ConstOp::F64(value.bits()),
            O::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
            O::RefNull { .. } => ConstOp::RefNull,
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::End => continue,
            other => {
                return Err(ModuleError::unsupported(format!("constant expression operator {other:?}"), Some(offset)));
            }
        });
    }
    Ok(ConstExpr(ops))
}
