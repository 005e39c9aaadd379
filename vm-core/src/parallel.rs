//! Work spread over the machine's cores: validating, translating and
//! compiling the function bodies of a large module. The calling thread
//! works too, items are handed out in batches from a shared counter (so a
//! thread that drew cheap bodies takes more), and the error reported is the
//! one of the earliest failing item in the given order, as a serial loop
//! would give.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// How the work is cut.
#[derive(Clone, Copy, Debug)]
pub struct Split {
    /// Below this total weight everything is one batch on the calling thread.
    pub min_weight: usize,
    /// Batches per thread: more even out the load, fewer keep more items
    /// together.
    pub batches_per_thread: usize,
}

impl Split {
    /// Validating or translating function bodies (weight: bytes of code):
    /// below 128 KiB starting threads costs more than it saves.
    pub const BODIES: Split = Split { min_weight: 128 * 1024, batches_per_thread: 16 };

    /// This split, or everything on the calling thread unless `parallel`.
    pub const fn only_if(self, parallel: bool) -> Split {
        if parallel { self } else { Split { min_weight: usize::MAX, ..self } }
    }
}

/// The number of threads this process may run at once, asked once: on Linux
/// `available_parallelism` opens and reads several cgroup files, ~20 µs of
/// system calls, which lazy start-up of a module cannot afford per call.
fn cpus() -> usize {
    static CPUS: OnceLock<usize> = OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Runs `work` on every item with a per-thread `state` from `init`, on up
/// to `available_parallelism` threads (at most 8) when the items' total
/// `weight` reaches `split.min_weight`. Returns the error of the earliest
/// failing item; items after it may or may not have run.
pub fn for_each<T, S, E>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    split: Split,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, T) -> Result<(), E> + Sync,
) -> Result<(), E>
where
    T: Send,
    E: Send,
{
    for_each_batch(items, weight, split, init, |state, batch| batch.into_iter().try_for_each(|item| work(state, item)))
}

/// As `for_each`, but `work` takes a whole batch of contiguous items (in
/// order) and reports the batch's first error.
pub fn for_each_batch<T, S, E>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    split: Split,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Vec<T>) -> Result<(), E> + Sync,
) -> Result<(), E>
where
    T: Send,
    E: Send,
{
    let total: usize = items.iter().map(&weight).sum();
    let threads = if total < split.min_weight { 1 } else { cpus().min(8) };
    if threads < 2 {
        return if items.is_empty() { Ok(()) } else { work(&mut init(), items) };
    }
    // Contiguous batches of about equal weight, in order.
    let target = total.div_ceil(threads * split.batches_per_thread.max(1)).max(1);
    let mut batches: Vec<Mutex<Vec<T>>> = Vec::new();
    let (mut current, mut current_weight) = (Vec::new(), 0);
    for item in items {
        current_weight += weight(&item);
        current.push(item);
        if current_weight >= target {
            batches.push(Mutex::new(std::mem::take(&mut current)));
            current_weight = 0;
        }
    }
    if !current.is_empty() {
        batches.push(Mutex::new(current));
    }
    let next = AtomicUsize::new(0);
    // The earliest failing batch so far (batches after it are skipped).
    let failed: Mutex<Option<(usize, E)>> = Mutex::new(None);
    let first_failed = AtomicUsize::new(usize::MAX);
    let worker = || {
        let mut state = init();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= batches.len() || i > first_failed.load(Ordering::Relaxed) {
                return;
            }
            let batch = std::mem::take(&mut *batches[i].lock().unwrap_or_else(|e| e.into_inner()));
            if let Err(e) = work(&mut state, batch) {
                let mut f = failed.lock().unwrap_or_else(|e| e.into_inner());
                if f.as_ref().is_none_or(|(at, _)| i < *at) {
                    *f = Some((i, e));
                    first_failed.store(i, Ordering::Relaxed);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads.min(batches.len()) {
            // A thread that cannot start leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(scope, worker);
        }
        worker();
    });
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item runs exactly once, serially and in parallel, and the
    /// error is the earliest failing item's whatever the scheduling.
    #[test]
    fn runs_every_item_and_reports_the_earliest_error() {
        for n in [0usize, 1, 10, 5000] {
            // Weights put the larger sizes over the parallel threshold.
            let done: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
            let r: Result<(), usize> = for_each(
                (0..n).collect(),
                |_| 1024,
                Split::BODIES,
                || 0usize,
                |count, i| {
                    *count += 1;
                    done[i].fetch_add(1, Ordering::Relaxed);
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            assert!(done.iter().all(|d| d.load(Ordering::Relaxed) == 1), "n = {n}");
            let bad = |i: usize| i % 1000 == 777 || i == n.saturating_sub(1);
            let r =
                for_each((0..n).collect(), |_| 1024, Split::BODIES, || (), |_, i| if bad(i) { Err(i) } else { Ok(()) });
            let expect = (0..n).find(|&i| bad(i));
            assert_eq!(r.err(), expect, "n = {n}");
        }
    }

    /// Batches are contiguous runs of items in order, and together they are
    /// every item once; below the minimum weight there is one batch.
    #[test]
    fn batches_are_contiguous_and_cover_every_item() {
        for (min_weight, n) in [(0, 1000usize), (0, 3), (usize::MAX, 50)] {
            let seen = Mutex::new(Vec::new());
            let split = Split { min_weight, batches_per_thread: 4 };
            let r: Result<(), ()> = for_each_batch(
                (0..n).collect(),
                |_| 1,
                split,
                || (),
                |_, batch: Vec<usize>| {
                    assert!(batch.windows(2).all(|w| w[1] == w[0] + 1), "{batch:?}");
                    seen.lock().unwrap().push(batch);
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            let mut batches = seen.into_inner().unwrap();
            if min_weight == usize::MAX {
                assert_eq!(batches.len(), 1);
            }
            batches.sort();
            assert_eq!(batches.concat(), (0..n).collect::<Vec<_>>());
        }
    }
}
