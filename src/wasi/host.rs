//! The `wasi_snapshot_preview1` functions. Each reads and writes guest
//! memory through `Mem` (every access bounds-checked: a bad pointer is
//! `EFAULT`, never a host crash) and returns an errno.

use super::types::{Errno, clock, eventtype, fdflags, filetype, fstflags, oflags, rights, whence};
use super::{DirEntry, Fd, FdKind, I32Exit, WasiCtx, WasiView};
use crate::{Caller, Error, Extern, Linker, Result};
#[cfg(unix)]
#[cfg(unix)]
use cap_fs_ext::OsMetadataExt;
use cap_fs_ext::{DirExt, OpenOptionsFollowExt, SystemTimeSpec};
use std::io::{Read, Seek, SeekFrom, Write};
#[cfg(unix)]
use std::os::unix::fs::{DirEntryExt, FileExt};

const MODULE: &str = "wasi_snapshot_preview1";

type R = std::result::Result<(), Errno>;

/// Guest memory with bounds-checked accessors. Addresses are `u64`, so a
/// guest pointer plus an offset or length is formed without wrapping at
/// 4 GiB: anything past the end is `EFAULT`, as in wasmtime.
struct Mem<'a>(&'a mut [u8]);

impl Mem<'_> {
    fn range(&self, ptr: u64, len: u64) -> std::result::Result<std::ops::Range<usize>, Errno> {
        let end = ptr.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.0.len() as u64 {
            return Err(Errno::Fault);
        }
        Ok(ptr as usize..end as usize)
    }
    fn bytes(&self, ptr: u64, len: u64) -> std::result::Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.0[r])
    }
    fn bytes_mut(&mut self, ptr: u64, len: u64) -> std::result::Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.0[r])
    }
    fn u32(&self, ptr: u64) -> std::result::Result<u32, Errno> {
        let b = self.bytes(ptr, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&self, ptr: u64) -> std::result::Result<u64, Errno> {
        let b = self.bytes(ptr, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn put(&mut self, ptr: u64, bytes: &[u8]) -> R {
        self.bytes_mut(ptr, bytes.len() as u64)?.copy_from_slice(bytes);
        Ok(())
    }
    fn put_u8(&mut self, ptr: u64, v: u8) -> R {
        self.put(ptr, &[v])
    }
    fn put_u16(&mut self, ptr: u64, v: u16) -> R {
        self.put(ptr, &v.to_le_bytes())
    }
    fn put_u32(&mut self, ptr: u64, v: u32) -> R {
        self.put(ptr, &v.to_le_bytes())
    }
    fn put_u64(&mut self, ptr: u64, v: u64) -> R {
        self.put(ptr, &v.to_le_bytes())
    }
    /// Writes `items` as NUL-terminated strings from `buf` on and a pointer
    /// to each into the array at `ptrs` (`args_get`, `environ_get`).
    fn put_c_strings<S: AsRef<[u8]>>(&mut self, mut ptrs: u64, mut buf: u64, items: impl IntoIterator<Item = S>) -> R {
        for item in items {
            let bytes = item.as_ref();
            // The pointer stored is `buf`, in range once the string is.
            self.range(buf, bytes.len() as u64 + 1)?;
            self.put_u32(ptrs, buf as u32)?;
            self.put(buf, bytes)?;
            self.put_u8(buf + bytes.len() as u64, 0)?;
            ptrs += 4;
            buf += bytes.len() as u64 + 1;
        }
        Ok(())
    }
    /// A path or name argument: UTF-8, copied out of guest memory.
    fn str(&self, ptr: u64, len: u64) -> std::result::Result<String, Errno> {
        std::str::from_utf8(self.bytes(ptr, len)?).map(str::to_string).map_err(|_| Errno::Ilseq)
    }
    /// The (pointer, length) pairs of an iovec array.
    fn iovecs(&self, iovs: u64, len: u64) -> std::result::Result<Vec<(u64, u64)>, Errno> {
        let mut v = Vec::with_capacity(len.min(1024) as usize);
        for i in 0..len {
            let at = iovs + i * 8;
            let ptr = self.u32(at)? as u64;
            let n = self.u32(at + 4)? as u64;
            self.range(ptr, n)?;
            v.push((ptr, n));
        }
        Ok(v)
    }
}

impl WasiCtx {
    fn fd(&mut self, fd: u32, needed: u64) -> std::result::Result<&mut Fd, Errno> {
        let f = self.fds.get_mut(fd as usize).and_then(Option::as_mut).ok_or(Errno::Badf)?;
        if f.rights_base & needed != needed {
            return Err(Errno::Notcapable);
        }
        Ok(f)
    }

    fn dir(&mut self, fd: u32, needed: u64) -> std::result::Result<&cap_std::fs::Dir, Errno> {
        match &self.fd(fd, needed)?.kind {
            FdKind::Dir { dir, .. } => Ok(dir),
            _ => Err(Errno::Notdir),
        }
    }

    /// Two directories at once (source and target of rename/link), each
    /// checked for its right; they may be the same descriptor.
    fn two_dirs(
        &mut self,
        a: i32,
        rights_a: u64,
        b: i32,
        rights_b: u64,
    ) -> std::result::Result<(&cap_std::fs::Dir, &cap_std::fs::Dir), Errno> {
        self.dir(a as u32, rights_a)?;
        self.dir(b as u32, rights_b)?;
        let dir = |fd: i32| match self.fds.get(fd as u32 as usize) {
            Some(Some(Fd { kind: FdKind::Dir { dir, .. }, .. })) => Ok(dir),
            _ => Err(Errno::Notdir),
        };
        Ok((dir(a)?, dir(b)?))
    }

    fn insert(&mut self, fd: Fd) -> std::result::Result<u32, Errno> {
        if let Some(free) = self.fds.iter().position(Option::is_none) {
            self.fds[free] = Some(fd);
            return Ok(free as u32);
        }
        if self.fds.len() >= u32::MAX as usize {
            return Err(Errno::Mfile);
        }
        self.fds.push(Some(fd));
        Ok(self.fds.len() as u32 - 1)
    }
}

/// Runs `f` with guest memory and the WASI context; the errno becomes the result.
fn with_ctx<T: WasiView>(caller: &mut Caller<'_, T>, f: impl FnOnce(&mut Mem<'_>, &mut WasiCtx) -> R) -> Result<i32> {
    let memory = caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| Error::msg("WASI needs the module to export its memory as \"memory\""))?;
    let (bytes, data) = memory.data_and_store_mut(caller);
    let mut mem = Mem(bytes);
    Ok(match f(&mut mem, data.wasi()) {
        Ok(()) => 0,
        Err(e) => e as i32,
    })
}

fn filetype_of(ft: &cap_std::fs::FileType) -> u8 {
    use cap_fs_ext::FileTypeExt;
    if ft.is_dir() {
        filetype::DIRECTORY
    } else if ft.is_file() {
        filetype::REGULAR_FILE
    } else if ft.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ft.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ft.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ft.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// A filestat record: dev, ino, filetype, nlink, size, atim, mtim, ctim.
struct Filestat {
    dev: u64,
    ino: u64,
    filetype: u8,
    nlink: u64,
    size: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

fn nanos(secs: i64, nsec: i64) -> u64 {
    (secs as i128 * 1_000_000_000 + nsec as i128).clamp(0, u64::MAX as i128) as u64
}

impl Filestat {
    fn of(meta: &cap_std::fs::Metadata) -> Filestat {
        let ft = filetype_of(&meta.file_type());
        #[cfg(unix)]
        {
            Filestat {
                dev: meta.dev(),
                ino: meta.ino(),
                filetype: ft,
                nlink: meta.nlink(),
                size: meta.len(),
                atim: nanos(meta.atime(), meta.atime_nsec()),
                mtim: nanos(meta.mtime(), meta.mtime_nsec()),
                ctim: nanos(meta.ctime(), meta.ctime_nsec()),
            }
        }
        #[cfg(not(unix))]
        {
            let t = |r: std::io::Result<cap_std::time::SystemTime>| {
                r.ok()
                    .and_then(|t| t.into_std().duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0)
            };
            Filestat {
                dev: 0,
                ino: 0,
                filetype: ft,
                nlink: 1,
                size: meta.len(),
                atim: t(meta.accessed()),
                mtim: t(meta.modified()),
                ctim: t(meta.modified()),
            }
        }
    }

    fn write(&self, mem: &mut Mem<'_>, ptr: u64) -> R {
        mem.bytes_mut(ptr, 64)?.fill(0);
        mem.put_u64(ptr, self.dev)?;
        mem.put_u64(ptr + 8, self.ino)?;
        mem.put_u8(ptr + 16, self.filetype)?;
        mem.put_u64(ptr + 24, self.nlink)?;
        mem.put_u64(ptr + 32, self.size)?;
        mem.put_u64(ptr + 40, self.atim)?;
        mem.put_u64(ptr + 48, self.mtim)?;
        mem.put_u64(ptr + 56, self.ctim)
    }
}

fn stdio_filetype(tty: bool) -> u8 {
    if tty { filetype::CHARACTER_DEVICE } else { filetype::UNKNOWN }
}

fn fd_filetype(fd: &Fd) -> u8 {
    use std::io::IsTerminal;
    match &fd.kind {
        FdKind::Stdin(super::Input::Inherit) => stdio_filetype(std::io::stdin().is_terminal()),
        FdKind::Stdout(super::Output::Stdout) => stdio_filetype(std::io::stdout().is_terminal()),
        FdKind::Stderr(super::Output::Stderr) => stdio_filetype(std::io::stderr().is_terminal()),
        FdKind::Stdin(_) | FdKind::Stdout(_) | FdKind::Stderr(_) => filetype::UNKNOWN,
        FdKind::File(_) => filetype::REGULAR_FILE,
        FdKind::Dir { .. } => filetype::DIRECTORY,
    }
}

/// Resolves `fstflags` into times for `set_times` (None: leave unchanged).
fn time_specs(
    atim: u64,
    mtim: u64,
    flags: u16,
) -> std::result::Result<(Option<SystemTimeSpec>, Option<SystemTimeSpec>), Errno> {
    if flags & !(fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW) != 0
        || (flags & fstflags::ATIM != 0 && flags & fstflags::ATIM_NOW != 0)
        || (flags & fstflags::MTIM != 0 && flags & fstflags::MTIM_NOW != 0)
    {
        return Err(Errno::Inval);
    }
    let at = |t: u64| {
        SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(
            std::time::UNIX_EPOCH + std::time::Duration::from_nanos(t),
        ))
    };
    let a = if flags & fstflags::ATIM_NOW != 0 {
        Some(SystemTimeSpec::SymbolicNow)
    } else if flags & fstflags::ATIM != 0 {
        Some(at(atim))
    } else {
        None
    };
    let m = if flags & fstflags::MTIM_NOW != 0 {
        Some(SystemTimeSpec::SymbolicNow)
    } else if flags & fstflags::MTIM != 0 {
        Some(at(mtim))
    } else {
        None
    };
    Ok((a, m))
}

fn clock_now(ctx: &WasiCtx, id: u32) -> std::result::Result<u64, Errno> {
    match id {
        clock::REALTIME => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .map_err(|_| Errno::Io),
        clock::MONOTONIC => Ok(ctx.epoch.elapsed().as_nanos() as u64),
        #[cfg(unix)]
        clock::PROCESS_CPUTIME | clock::THREAD_CPUTIME => {
            let which = if id == clock::PROCESS_CPUTIME {
                rustix::time::ClockId::ProcessCPUTime
            } else {
                rustix::time::ClockId::ThreadCPUTime
            };
            let t = rustix::time::clock_gettime(which);
            Ok(nanos(t.tv_sec, t.tv_nsec))
        }
        _ => Err(Errno::Inval),
    }
}

/// Lists a directory for `fd_readdir`: ".", ".." and the entries.
fn list_dir(dir: &cap_std::fs::Dir) -> std::result::Result<Vec<DirEntry>, Errno> {
    let meta = dir.dir_metadata()?;
    #[cfg(unix)]
    let self_ino = meta.ino();
    #[cfg(not(unix))]
    let self_ino = 0;
    let mut out = vec![
        DirEntry { name: ".".into(), ino: self_ino, filetype: filetype::DIRECTORY },
        DirEntry { name: "..".into(), ino: 0, filetype: filetype::DIRECTORY },
    ];
    for entry in dir.entries()? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ft = entry.file_type().map(|t| filetype_of(&t)).unwrap_or(filetype::UNKNOWN);
        #[cfg(unix)]
        let ino = entry.ino();
        #[cfg(not(unix))]
        let ino = 0;
        out.push(DirEntry { name, ino, filetype: ft });
    }
    Ok(out)
}

fn read_into(
    fd: &mut Fd,
    mem: &mut Mem<'_>,
    iovs: &[(u64, u64)],
    offset: Option<u64>,
) -> std::result::Result<u32, Errno> {
    let mut total: u32 = 0;
    let mut pos = offset;
    for &(ptr, len) in iovs {
        let buf = mem.bytes_mut(ptr, len)?;
        let n = match (&mut fd.kind, pos) {
            (FdKind::Stdin(input), None) => input.read(buf)?,
            (FdKind::File(f), None) => f.read(buf)?,
            #[cfg(unix)]
            (FdKind::File(f), Some(at)) => f.read_at(buf, at)?,
            (FdKind::Dir { .. }, _) => return Err(Errno::Isdir),
            (_, Some(_)) => return Err(Errno::Spipe),
            _ => return Err(Errno::Badf),
        };
        total = total.saturating_add(n as u32);
        if let Some(p) = pos.as_mut() {
            *p += n as u64;
        }
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// `fd_read`/`fd_pread`/`fd_write`/`fd_pwrite`: moves the iovecs' bytes and
/// stores the count at `out`.
#[expect(clippy::too_many_arguments, reason = "the four preview1 calls' operands, passed straight through")]
fn transfer(
    mem: &mut Mem<'_>,
    ctx: &mut WasiCtx,
    fd: i32,
    iovs: i32,
    len: i32,
    offset: Option<u64>,
    out: i32,
    write: bool,
) -> R {
    let iovs = mem.iovecs(iovs as u32 as u64, len as u32 as u64)?;
    let mut needed = if write { rights::FD_WRITE } else { rights::FD_READ };
    if offset.is_some() {
        needed |= rights::FD_SEEK;
    }
    let f = ctx.fd(fd as u32, needed)?;
    let n = if write { write_from(f, mem, &iovs, offset)? } else { read_into(f, mem, &iovs, offset)? };
    mem.put_u32(out as u32 as u64, n)
}

fn write_from(fd: &mut Fd, mem: &Mem<'_>, iovs: &[(u64, u64)], offset: Option<u64>) -> std::result::Result<u32, Errno> {
    let mut total: u32 = 0;
    let mut pos = offset;
    for &(ptr, len) in iovs {
        let buf = mem.bytes(ptr, len)?;
        match (&mut fd.kind, pos) {
            (FdKind::Stdout(out) | FdKind::Stderr(out), None) => out.write(buf)?,
            (FdKind::File(f), None) => f.write_all(buf)?,
            #[cfg(unix)]
            (FdKind::File(f), Some(at)) => f.write_all_at(buf, at)?,
            (FdKind::Dir { .. }, _) => return Err(Errno::Isdir),
            (_, Some(_)) => return Err(Errno::Spipe),
            _ => return Err(Errno::Badf),
        }
        total = total.saturating_add(len as u32);
        if let Some(p) = pos.as_mut() {
            *p += len;
        }
    }
    if let FdKind::Stdout(out) | FdKind::Stderr(out) = &mut fd.kind {
        out.flush()?;
    }
    Ok(total)
}

/// Opens `path` relative to `dir` as `path_open` asks.
fn open_at(
    dir: &cap_std::fs::Dir,
    path: &str,
    follow: bool,
    oflags_v: u16,
    want_read: bool,
    want_write: bool,
    fdflags_v: u16,
) -> std::result::Result<FdKind, Errno> {
    let follow_mode = if follow { cap_fs_ext::FollowSymlinks::Yes } else { cap_fs_ext::FollowSymlinks::No };
    let wants_dir = oflags_v & oflags::DIRECTORY != 0;
    // A directory is opened as a directory handle (O_DIRECTORY, or a plain
    // read-only open that names a directory).
    let meta = if follow { dir.metadata(path) } else { dir.symlink_metadata(path) };
    let is_dir = meta.as_ref().map(|m| m.is_dir()).unwrap_or(false);
    if wants_dir || is_dir {
        if oflags_v & (oflags::CREAT | oflags::TRUNC) != 0 || want_write {
            return Err(if is_dir { Errno::Isdir } else { Errno::Notdir });
        }
        if let Err(e) = &meta
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Err(Errno::Noent);
        }
        if !is_dir {
            // The path exists but is not a directory (or is a symlink we may not follow).
            meta?;
            return Err(Errno::Notdir);
        }
        let d = if follow { dir.open_dir(path)? } else { dir.open_dir_nofollow(path)? };
        return Ok(FdKind::Dir { dir: d, preopen: None, entries: None });
    }
    let mut opts = cap_std::fs::OpenOptions::new();
    let write = want_write || oflags_v & oflags::TRUNC != 0;
    opts.read(want_read || !write);
    opts.write(write && fdflags_v & fdflags::APPEND == 0);
    opts.append(fdflags_v & fdflags::APPEND != 0);
    if oflags_v & oflags::CREAT != 0 {
        if oflags_v & oflags::EXCL != 0 {
            opts.create_new(true);
        } else {
            opts.create(true);
        }
        if !write && fdflags_v & fdflags::APPEND == 0 {
            opts.write(true);
        }
    }
    opts.truncate(oflags_v & oflags::TRUNC != 0);
    opts.follow(follow_mode);
    let file = dir.open_with(path, &opts)?;
    Ok(FdKind::File(file.into_std()))
}

/// Registers every `wasi_snapshot_preview1` function in `linker`.
pub fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> Result<()> {
    macro_rules! wasi {
        ($name:literal, |$mem:ident, $ctx:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {
            linker.func_wrap(MODULE, $name, |mut caller: Caller<'_, T>, $($arg: $ty),*| -> Result<i32> {
                with_ctx(&mut caller, |$mem, $ctx| $body)
            })?;
        };
    }

    wasi!("args_get", |mem, ctx, argv: i32, buf: i32| mem.put_c_strings(
        argv as u32 as u64,
        buf as u32 as u64,
        &ctx.args
    ));
    wasi!("args_sizes_get", |mem, ctx, argc: i32, size: i32| {
        mem.put_u32(argc as u32 as u64, ctx.args.len() as u32)?;
        mem.put_u32(size as u32 as u64, ctx.args.iter().map(|a| a.len() as u32 + 1).sum())
    });
    wasi!("environ_get", |mem, ctx, environ: i32, buf: i32| {
        mem.put_c_strings(environ as u32 as u64, buf as u32 as u64, ctx.env.iter().map(|(k, v)| format!("{k}={v}")))
    });
    wasi!("environ_sizes_get", |mem, ctx, count: i32, size: i32| {
        mem.put_u32(count as u32 as u64, ctx.env.len() as u32)?;
        mem.put_u32(size as u32 as u64, ctx.env.iter().map(|(k, v)| (k.len() + v.len() + 2) as u32).sum())
    });
    wasi!("clock_res_get", |mem, ctx, id: i32, res: i32| {
        clock_now(ctx, id as u32)?;
        mem.put_u64(res as u32 as u64, 1)
    });
    wasi!("clock_time_get", |mem, ctx, id: i32, _precision: i64, time: i32| {
        let now = clock_now(ctx, id as u32)?;
        mem.put_u64(time as u32 as u64, now)
    });
    wasi!("random_get", |mem, _ctx, buf: i32, len: i32| {
        let b = mem.bytes_mut(buf as u32 as u64, len as u32 as u64)?;
        getrandom::fill(b).map_err(|_| Errno::Io)
    });
    wasi!("sched_yield", |_mem, _ctx| {
        std::thread::yield_now();
        Ok(())
    });
    wasi!("proc_raise", |_mem, _ctx, _sig: i32| Err(Errno::Notsup));
    linker.func_wrap(MODULE, "proc_exit", |_: Caller<'_, T>, code: i32| -> Result<()> {
        // WASI: a status of 126 or more acts as a trap; a process could not
        // pass it on anyway (only 8 bits reach the parent, and 128 + n
        // means "killed by signal n"). wasmtime refuses the same range.
        if code as u32 >= 126 {
            return Err(Error::host(format!("exit with invalid exit status {} outside of [0..126)", code as u32)));
        }
        Err(Error::host(I32Exit(code)))
    })?;

    wasi!("fd_write", |mem, ctx, fd: i32, iovs: i32, len: i32, nwritten: i32| {
        transfer(mem, ctx, fd, iovs, len, None, nwritten, true)
    });
    wasi!("fd_pwrite", |mem, ctx, fd: i32, iovs: i32, len: i32, offset: i64, nwritten: i32| {
        transfer(mem, ctx, fd, iovs, len, Some(offset as u64), nwritten, true)
    });
    wasi!("fd_read", |mem, ctx, fd: i32, iovs: i32, len: i32, nread: i32| {
        transfer(mem, ctx, fd, iovs, len, None, nread, false)
    });
    wasi!("fd_pread", |mem, ctx, fd: i32, iovs: i32, len: i32, offset: i64, nread: i32| {
        transfer(mem, ctx, fd, iovs, len, Some(offset as u64), nread, false)
    });
    wasi!("fd_seek", |mem, ctx, fd: i32, offset: i64, whence_v: i32, newoffset: i32| {
        let needed = if offset == 0 && whence_v as u8 == whence::CUR { rights::FD_TELL } else { rights::FD_SEEK };
        let f = ctx.fd(fd as u32, needed)?;
        let from = match whence_v as u8 {
            whence::SET if offset >= 0 => SeekFrom::Start(offset as u64),
            whence::CUR => SeekFrom::Current(offset),
            whence::END => SeekFrom::End(offset),
            _ => return Err(Errno::Inval),
        };
        let pos = match &mut f.kind {
            FdKind::File(file) => file.seek(from)?,
            FdKind::Dir { .. } => return Err(Errno::Badf),
            _ => return Err(Errno::Spipe),
        };
        mem.put_u64(newoffset as u32 as u64, pos)
    });
    wasi!("fd_tell", |mem, ctx, fd: i32, offset: i32| {
        let f = ctx.fd(fd as u32, rights::FD_TELL)?;
        let pos = match &mut f.kind {
            FdKind::File(file) => file.stream_position()?,
            FdKind::Dir { .. } => return Err(Errno::Badf),
            _ => return Err(Errno::Spipe),
        };
        mem.put_u64(offset as u32 as u64, pos)
    });
    wasi!("fd_close", |_mem, ctx, fd: i32| {
        let slot = ctx.fds.get_mut(fd as u32 as usize).ok_or(Errno::Badf)?;
        slot.take().map(|_| ()).ok_or(Errno::Badf)
    });
    wasi!("fd_renumber", |_mem, ctx, from: i32, to: i32| {
        let (from, to) = (from as u32 as usize, to as u32 as usize);
        if ctx.fds.get(from).and_then(Option::as_ref).is_none() || ctx.fds.get(to).and_then(Option::as_ref).is_none() {
            return Err(Errno::Badf);
        }
        let moved = ctx.fds[from].take();
        ctx.fds[to] = moved;
        Ok(())
    });
    wasi!("fd_fdstat_get", |mem, ctx, fd: i32, buf: i32| {
        let f = ctx.fd(fd as u32, 0)?;
        let (ft, flags, base, inheriting) = (fd_filetype(f), f.flags, f.rights_base, f.rights_inheriting);
        let buf = buf as u32 as u64;
        mem.bytes_mut(buf, 24)?.fill(0);
        mem.put_u8(buf, ft)?;
        mem.put_u16(buf + 2, flags)?;
        mem.put_u64(buf + 8, base)?;
        mem.put_u64(buf + 16, inheriting)
    });
    wasi!("fd_fdstat_set_flags", |_mem, ctx, fd: i32, flags: i32| {
        let f = ctx.fd(fd as u32, rights::FD_FDSTAT_SET_FLAGS)?;
        let flags = flags as u16;
        if flags & !(fdflags::APPEND | fdflags::DSYNC | fdflags::NONBLOCK | fdflags::RSYNC | fdflags::SYNC) != 0 {
            return Err(Errno::Inval);
        }
        #[cfg(unix)]
        if let FdKind::File(file) = &f.kind
            && (flags ^ f.flags) & fdflags::APPEND != 0
        {
            let mut of = rustix::fs::fcntl_getfl(file).map_err(|e| Errno::from(std::io::Error::from(e)))?;
            of.set(rustix::fs::OFlags::APPEND, flags & fdflags::APPEND != 0);
            rustix::fs::fcntl_setfl(file, of).map_err(|e| Errno::from(std::io::Error::from(e)))?;
        }
        f.flags = flags;
        Ok(())
    });
    wasi!("fd_fdstat_set_rights", |_mem, ctx, fd: i32, base: i64, inheriting: i64| {
        let f = ctx.fd(fd as u32, 0)?;
        let (base, inheriting) = (base as u64, inheriting as u64);
        if base & !f.rights_base != 0 || inheriting & !f.rights_inheriting != 0 {
            return Err(Errno::Notcapable);
        }
        f.rights_base = base;
        f.rights_inheriting = inheriting;
        Ok(())
    });
    wasi!("fd_filestat_get", |mem, ctx, fd: i32, buf: i32| {
        let f = ctx.fd(fd as u32, rights::FD_FILESTAT_GET)?;
        let st = match &f.kind {
            FdKind::File(file) => Filestat::of(&cap_std::fs::Metadata::from_file(file)?),
            FdKind::Dir { dir, .. } => Filestat::of(&dir.dir_metadata()?),
            _ => Filestat { dev: 0, ino: 0, filetype: fd_filetype(f), nlink: 0, size: 0, atim: 0, mtim: 0, ctim: 0 },
        };
        st.write(mem, buf as u32 as u64)
    });
    wasi!("fd_filestat_set_size", |_mem, ctx, fd: i32, size: i64| {
        let f = ctx.fd(fd as u32, rights::FD_FILESTAT_SET_SIZE)?;
        match &f.kind {
            FdKind::File(file) => Ok(file.set_len(size as u64)?),
            FdKind::Dir { .. } => Err(Errno::Isdir),
            _ => Err(Errno::Inval),
        }
    });
    wasi!("fd_filestat_set_times", |_mem, ctx, fd: i32, atim: i64, mtim: i64, flags: i32| {
        let (a, m) = time_specs(atim as u64, mtim as u64, flags as u16)?;
        let f = ctx.fd(fd as u32, rights::FD_FILESTAT_SET_TIMES)?;
        match &f.kind {
            FdKind::File(file) => {
                let now = std::time::SystemTime::now();
                let resolve = |s: SystemTimeSpec| match s {
                    SystemTimeSpec::SymbolicNow => now,
                    SystemTimeSpec::Absolute(t) => t.into_std(),
                };
                let mut times = std::fs::FileTimes::new();
                if let Some(a) = a {
                    times = times.set_accessed(resolve(a));
                }
                if let Some(m) = m {
                    times = times.set_modified(resolve(m));
                }
                Ok(file.set_times(times)?)
            }
            FdKind::Dir { dir, .. } => Ok(dir.set_times(".", a, m)?),
            _ => Err(Errno::Inval),
        }
    });
    wasi!("fd_advise", |_mem, ctx, fd: i32, _offset: i64, _len: i64, advice: i32| {
        ctx.fd(fd as u32, rights::FD_ADVISE)?;
        if !(0..=5).contains(&advice) {
            return Err(Errno::Inval);
        }
        Ok(())
    });
    wasi!("fd_allocate", |_mem, ctx, fd: i32, offset: i64, len: i64| {
        let f = ctx.fd(fd as u32, rights::FD_ALLOCATE)?;
        let end = (offset as u64).checked_add(len as u64).ok_or(Errno::Fbig)?;
        match &f.kind {
            FdKind::File(file) => {
                if file.metadata()?.len() < end {
                    file.set_len(end)?;
                }
                Ok(())
            }
            FdKind::Dir { .. } => Err(Errno::Isdir),
            _ => Err(Errno::Badf),
        }
    });
    wasi!("fd_datasync", |_mem, ctx, fd: i32| {
        let f = ctx.fd(fd as u32, rights::FD_DATASYNC)?;
        match &f.kind {
            FdKind::File(file) => Ok(file.sync_data()?),
            _ => Err(Errno::Inval),
        }
    });
    wasi!("fd_sync", |_mem, ctx, fd: i32| {
        let f = ctx.fd(fd as u32, rights::FD_SYNC)?;
        match &f.kind {
            FdKind::File(file) => Ok(file.sync_all()?),
            FdKind::Dir { .. } => Ok(()),
            _ => Err(Errno::Inval),
        }
    });
    wasi!("fd_prestat_get", |mem, ctx, fd: i32, buf: i32| {
        let f = ctx.fd(fd as u32, 0)?;
        match &f.kind {
            FdKind::Dir { preopen: Some(name), .. } => {
                let len = name.len() as u32;
                mem.put_u32(buf as u32 as u64, 0)?;
                mem.put_u32(buf as u32 as u64 + 4, len)
            }
            _ => Err(Errno::Badf),
        }
    });
    wasi!("fd_prestat_dir_name", |mem, ctx, fd: i32, path: i32, len: i32| {
        let f = ctx.fd(fd as u32, 0)?;
        match &f.kind {
            FdKind::Dir { preopen: Some(name), .. } => {
                if (len as u32 as usize) < name.len() {
                    return Err(Errno::Nametoolong);
                }
                mem.put(path as u32 as u64, name.as_bytes())
            }
            _ => Err(Errno::Badf),
        }
    });
    wasi!("fd_readdir", |mem, ctx, fd: i32, buf: i32, buf_len: i32, cookie: i64, bufused: i32| {
        let f = ctx.fd(fd as u32, rights::FD_READDIR)?;
        let FdKind::Dir { dir, entries, .. } = &mut f.kind else { return Err(Errno::Notdir) };
        if cookie == 0 || entries.is_none() {
            *entries = Some(list_dir(dir)?);
        }
        let list = entries.as_ref().map(Vec::as_slice).unwrap_or(&[]);
        let (buf, cap) = (buf as u32 as u64, buf_len as u32);
        mem.range(buf, cap as u64)?;
        let mut used: u32 = 0;
        for (i, e) in list.iter().enumerate().skip(cookie as u64 as usize) {
            let mut rec = Vec::with_capacity(24 + e.name.len());
            rec.extend_from_slice(&(i as u64 + 1).to_le_bytes());
            rec.extend_from_slice(&e.ino.to_le_bytes());
            rec.extend_from_slice(&(e.name.len() as u32).to_le_bytes());
            rec.extend_from_slice(&[e.filetype, 0, 0, 0]);
            rec.extend_from_slice(e.name.as_bytes());
            let room = (cap - used) as usize;
            let n = rec.len().min(room);
            mem.put(buf + used as u64, &rec[..n])?;
            used += n as u32;
            if used == cap {
                break;
            }
        }
        mem.put_u32(bufused as u32 as u64, used)
    });

    wasi!("path_open", |mem,
                        ctx,
                        fd: i32,
                        dirflags: i32,
                        path: i32,
                        len: i32,
                        of: i32,
                        base: i64,
                        inheriting: i64,
                        fdf: i32,
                        opened: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        let of = of as u16;
        let fdf = fdflags_check(fdf as u16)?;
        let mut needed = rights::PATH_OPEN;
        if of & oflags::CREAT != 0 {
            needed |= rights::PATH_CREATE_FILE;
        }
        if of & oflags::TRUNC != 0 {
            needed |= rights::PATH_FILESTAT_SET_SIZE;
        }
        let parent = ctx.fd(fd as u32, needed)?;
        let parent_inheriting = parent.rights_inheriting;
        let FdKind::Dir { dir, .. } = &parent.kind else { return Err(Errno::Notdir) };
        let (base, inheriting) = (base as u64 & parent_inheriting, inheriting as u64 & parent_inheriting);
        let want_read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
        let want_write = base & (rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE) != 0;
        let follow = dirflags as u32 & super::types::LOOKUP_SYMLINK_FOLLOW != 0;
        let kind = open_at(dir, &path, follow, of, want_read, want_write, fdf)?;
        let mask = if matches!(kind, FdKind::Dir { .. }) { rights::DIR } else { rights::FILE };
        let new = ctx.insert(Fd { kind, rights_base: base & mask, rights_inheriting: inheriting, flags: fdf })?;
        mem.put_u32(opened as u32 as u64, new)
    });
    wasi!("path_create_directory", |mem, ctx, fd: i32, path: i32, len: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        Ok(ctx.dir(fd as u32, rights::PATH_CREATE_DIRECTORY)?.create_dir(path)?)
    });
    wasi!("path_remove_directory", |mem, ctx, fd: i32, path: i32, len: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        Ok(ctx.dir(fd as u32, rights::PATH_REMOVE_DIRECTORY)?.remove_dir(path)?)
    });
    wasi!("path_unlink_file", |mem, ctx, fd: i32, path: i32, len: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        let dir = ctx.dir(fd as u32, rights::PATH_UNLINK_FILE)?;
        if path.ends_with('/') {
            return Err(if dir.metadata(&path).is_ok_and(|m| m.is_dir()) { Errno::Isdir } else { Errno::Notdir });
        }
        Ok(dir.remove_file_or_symlink(path)?)
    });
    wasi!("path_rename", |mem, ctx, fd: i32, old: i32, old_len: i32, new_fd: i32, new: i32, new_len: i32| {
        let old = mem.str(old as u32 as u64, old_len as u32 as u64)?;
        let new = mem.str(new as u32 as u64, new_len as u32 as u64)?;
        let (from, to) = ctx.two_dirs(fd, rights::PATH_RENAME_SOURCE, new_fd, rights::PATH_RENAME_TARGET)?;
        Ok(from.rename(old, to, new)?)
    });
    wasi!("path_link", |mem,
                        ctx,
                        fd: i32,
                        _flags: i32,
                        old: i32,
                        old_len: i32,
                        new_fd: i32,
                        new: i32,
                        new_len: i32| {
        let old = mem.str(old as u32 as u64, old_len as u32 as u64)?;
        let new = mem.str(new as u32 as u64, new_len as u32 as u64)?;
        let (from, to) = ctx.two_dirs(fd, rights::PATH_LINK_SOURCE, new_fd, rights::PATH_LINK_TARGET)?;
        Ok(from.hard_link(old, to, new)?)
    });
    wasi!("path_symlink", |mem, ctx, old: i32, old_len: i32, fd: i32, new: i32, new_len: i32| {
        let old = mem.str(old as u32 as u64, old_len as u32 as u64)?;
        let new = mem.str(new as u32 as u64, new_len as u32 as u64)?;
        Ok(ctx.dir(fd as u32, rights::PATH_SYMLINK)?.symlink(old, new)?)
    });
    wasi!("path_readlink", |mem, ctx, fd: i32, path: i32, len: i32, buf: i32, buf_len: i32, bufused: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        let target = ctx.dir(fd as u32, rights::PATH_READLINK)?.read_link_contents(path)?;
        let target = target.to_string_lossy().into_owned();
        let n = target.len().min(buf_len as u32 as usize);
        mem.put(buf as u32 as u64, &target.as_bytes()[..n])?;
        mem.put_u32(bufused as u32 as u64, n as u32)
    });
    wasi!("path_filestat_get", |mem, ctx, fd: i32, flags: i32, path: i32, len: i32, buf: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        let dir = ctx.dir(fd as u32, rights::PATH_FILESTAT_GET)?;
        let meta = if flags as u32 & super::types::LOOKUP_SYMLINK_FOLLOW != 0 {
            dir.metadata(path)?
        } else {
            dir.symlink_metadata(path)?
        };
        Filestat::of(&meta).write(mem, buf as u32 as u64)
    });
    wasi!("path_filestat_set_times", |mem,
                                      ctx,
                                      fd: i32,
                                      flags: i32,
                                      path: i32,
                                      len: i32,
                                      atim: i64,
                                      mtim: i64,
                                      fst: i32| {
        let path = mem.str(path as u32 as u64, len as u32 as u64)?;
        let (a, m) = time_specs(atim as u64, mtim as u64, fst as u16)?;
        let dir = ctx.dir(fd as u32, rights::PATH_FILESTAT_SET_TIMES)?;
        if flags as u32 & super::types::LOOKUP_SYMLINK_FOLLOW != 0 {
            Ok(dir.set_times(path, a, m)?)
        } else {
            Ok(dir.set_symlink_times(path, a, m)?)
        }
    });

    wasi!("poll_oneoff", |mem, ctx, input: i32, output: i32, nsubs: i32, nevents: i32| {
        poll_oneoff(mem, ctx, input as u32, output as u32, nsubs as u32, nevents as u32)
    });

    wasi!("sock_accept", |_mem, ctx, fd: i32, _flags: i32, _out: i32| not_a_socket(ctx, fd));
    wasi!("sock_recv", |_mem, ctx, fd: i32, _ri: i32, _ri_len: i32, _ri_flags: i32, _ro: i32, _ro_flags: i32| {
        not_a_socket(ctx, fd)
    });
    wasi!("sock_send", |_mem, ctx, fd: i32, _si: i32, _si_len: i32, _si_flags: i32, _so: i32| not_a_socket(ctx, fd));
    wasi!("sock_shutdown", |_mem, ctx, fd: i32, _how: i32| not_a_socket(ctx, fd));
    Ok(())
}

fn fdflags_check(f: u16) -> std::result::Result<u16, Errno> {
    if f & !(fdflags::APPEND | fdflags::DSYNC | fdflags::NONBLOCK | fdflags::RSYNC | fdflags::SYNC) != 0 {
        return Err(Errno::Inval);
    }
    Ok(f)
}

/// Tandem's WASI has no sockets: a valid descriptor is not one.
fn not_a_socket(ctx: &mut WasiCtx, fd: i32) -> R {
    ctx.fd(fd as u32, 0)?;
    Err(Errno::Notsock)
}

/// Waits until the process's stdin is readable or `timeout_ns` passes
/// (forever when `None`); true if readable.
#[cfg(unix)]
fn wait_for_stdin(timeout_ns: Option<u64>) -> std::result::Result<bool, Errno> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let timeout =
        timeout_ns.map(|ns| Timespec { tv_sec: (ns / 1_000_000_000) as i64, tv_nsec: (ns % 1_000_000_000) as i64 });
    loop {
        match poll(&mut fds, timeout.as_ref()) {
            Ok(n) => return Ok(n > 0),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(Errno::from(std::io::Error::from(e))),
        }
    }
}

#[cfg(not(unix))]
fn wait_for_stdin(_timeout_ns: Option<u64>) -> std::result::Result<bool, Errno> {
    Ok(true)
}

/// `poll_oneoff`: descriptor subscriptions are ready at once (an inherited
/// stdin is waited for); otherwise it sleeps until the earliest clock deadline.
fn poll_oneoff(mem: &mut Mem<'_>, ctx: &mut WasiCtx, input: u32, output: u32, nsubs: u32, nevents: u32) -> R {
    if nsubs == 0 {
        return Err(Errno::Inval);
    }
    let (input, output, nevents) = (input as u64, output as u64, nevents as u64);
    mem.range(input, nsubs as u64 * 48)?;
    mem.range(output, nsubs as u64 * 32)?;
    struct Sub {
        userdata: u64,
        tag: u8,
        fd: u32,
        deadline: Option<u64>,
    }
    let mut subs = Vec::with_capacity(nsubs as usize);
    for i in 0..nsubs {
        let at = input + i as u64 * 48;
        let userdata = mem.u64(at)?;
        let tag = mem.bytes(at + 8, 1)?[0];
        let mut sub = Sub { userdata, tag, fd: 0, deadline: None };
        match tag {
            eventtype::CLOCK => {
                let id = mem.u32(at + 16)?;
                let timeout = mem.u64(at + 24)?;
                let flags = u16::from_le_bytes([mem.bytes(at + 40, 2)?[0], mem.bytes(at + 41, 1)?[0]]);
                let now = clock_now(ctx, id)?;
                let remaining = if flags & super::types::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
                    timeout.saturating_sub(now)
                } else {
                    timeout
                };
                sub.deadline = Some(remaining);
            }
            eventtype::FD_READ | eventtype::FD_WRITE => sub.fd = mem.u32(at + 16)?,
            _ => return Err(Errno::Inval),
        }
        subs.push(sub);
    }
    let mut events: Vec<(u64, u16, u8)> = Vec::new();
    // Descriptors are ready at once, except an inherited stdin waited for with
    // poll(2) (up to the earliest clock deadline).
    let mut stdin_waits = Vec::new();
    for s in subs.iter().filter(|s| s.tag != eventtype::CLOCK) {
        match ctx.fd(s.fd, rights::POLL_FD_READWRITE) {
            Ok(fd) if s.tag == eventtype::FD_READ && matches!(fd.kind, FdKind::Stdin(super::Input::Inherit)) => {
                stdin_waits.push(s.userdata)
            }
            Ok(_) => events.push((s.userdata, Errno::Success as u16, s.tag)),
            Err(e) => events.push((s.userdata, e as u16, s.tag)),
        }
    }
    let wait = subs.iter().filter_map(|s| s.deadline).min();
    if events.is_empty() {
        let stdin_ready = !stdin_waits.is_empty() && wait_for_stdin(wait)?;
        if stdin_ready {
            events.extend(stdin_waits.iter().map(|&u| (u, 0, eventtype::FD_READ)));
        } else {
            let wait = wait.unwrap_or(0);
            if stdin_waits.is_empty() {
                std::thread::sleep(std::time::Duration::from_nanos(wait));
            }
            for s in subs.iter().filter(|s| s.deadline.is_some_and(|d| d <= wait)) {
                events.push((s.userdata, 0, eventtype::CLOCK));
            }
        }
    }
    for (i, (userdata, errno, tag)) in events.iter().enumerate() {
        let at = output + i as u64 * 32;
        mem.bytes_mut(at, 32)?.fill(0);
        mem.put_u64(at, *userdata)?;
        mem.put_u16(at + 8, *errno)?;
        mem.put_u8(at + 10, *tag)?;
    }
    mem.put_u32(nevents, events.len() as u32)
}
