//! Loading on several threads: records are parsed (and links checked against
//! the records) in parallel, block by block, and added to the builder in
//! document order, so the model, and the first error reported, are exactly
//! those of a single-threaded load.

use std::num::NonZeroUsize;

use crate::error::Result;

/// How many records or links one block holds: enough that spawning the threads
/// is noise (a few microseconds against milliseconds of parsing), few enough
/// that the parsed block stays small (a block of units is about 10 MB).
pub(crate) const BLOCK: usize = 1 << 16;

/// Below this many items a load stays on one thread.
const MIN_PARALLEL: usize = 4096;

/// The number of threads a load uses when asked for `requested` (0: one per
/// available core, at most 8). [`in_blocks`], which starts them, caps any
/// count at [`super::MAX_THREADS`].
pub(crate) fn threads(requested: usize) -> usize {
    match requested {
        0 => std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(8),
        n => n,
    }
}

/// Runs `work` on every item (with its index in `items`) on up to `threads`
/// threads, block by block, and hands each result to `take` in item order,
/// with mutable access to `state`, which `work` reads (shared) in between.
/// `work` also gets a scratch value of its own, `W::default()` for each run of
/// consecutive items on one thread, which it may keep things in from one item to
/// the next (a link remembers the records the previous one named); it must not
/// change any answer, since where one run ends and the next starts depends on
/// the number of threads.
///
/// Stops at the first error in item order: from `work` on that item or from
/// `take` on an earlier one. With one thread, or few items, it is a plain loop.
/// `threads` is capped at [`super::MAX_THREADS`], and a part whose thread the
/// operating system will not start is worked on the calling thread instead, so
/// no thread count can panic or abort the load.
pub(crate) fn in_blocks<T, S, R, W: Default>(
    state: &mut S,
    items: &[T],
    threads: usize,
    work: impl Fn(&S, &mut W, usize, &T) -> Result<R> + Sync,
    mut take: impl FnMut(&mut S, R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    S: Sync,
    R: Send,
{
    let threads = threads.min(super::MAX_THREADS);
    if threads <= 1 || items.len() < MIN_PARALLEL {
        let mut scratch = W::default();
        for (i, item) in items.iter().enumerate() {
            let r = work(state, &mut scratch, i, item)?;
            take(state, r)?;
        }
        return Ok(());
    }
    let mut done: Vec<Result<R>> = Vec::with_capacity(BLOCK);
    for (b, block) in items.chunks(BLOCK).enumerate() {
        let base = b * BLOCK;
        let shared: &S = state;
        let part = block.len().div_ceil(threads);
        let work = &work;
        let rest = std::thread::scope(|scope| {
            let run = move |p: usize, chunk: &'_ [T]| {
                let start = base + p * part;
                let mut scratch = W::default();
                chunk
                    .iter()
                    .enumerate()
                    .map(|(i, item)| work(shared, &mut scratch, start + i, item))
                    .collect::<Vec<_>>()
            };
            let mut parts = block.chunks(part).enumerate();
            // The first part on this thread, the others on their own; a part whose
            // thread cannot be started (`Err`) is left for this thread, in order.
            let first = parts.next();
            let handles: Vec<_> = parts
                .map(|(p, chunk)| {
                    std::thread::Builder::new().spawn_scoped(scope, move || run(p, chunk)).map_err(|_| (p, chunk))
                })
                .collect();
            // Streamed straight into `done`, as before the fallback existed: collecting the
            // first part into its own vector first cost a copy and 8 MB of peak at city scale.
            if let Some((_, chunk)) = first {
                let mut scratch = W::default();
                done.extend(chunk.iter().enumerate().map(|(i, item)| work(shared, &mut scratch, base + i, item)));
            }
            // The other parts' results stay in their threads' vectors, taken after the
            // first's: appending them to `done` copied half of every block once more.
            handles
                .into_iter()
                .map(|h| match h {
                    Ok(h) => h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    Err((p, chunk)) => run(p, chunk),
                })
                .collect::<Vec<_>>()
        });
        // The block's vector is drained, not dropped: the next block reuses its pages.
        let no_hint = |_: &S, _: &R| {};
        hand_over(state, done.drain(..), &no_hint, &mut take)?;
        for part in rest {
            hand_over(state, part.into_iter(), &no_hint, &mut take)?;
        }
    }
    Ok(())
}

/// [`in_blocks`] for `work` that reads no state, in a pipeline: other threads parse the next
/// blocks while this one takes a block's results, so a load's adding thread is no longer
/// idle while the block after is parsed, nor the others while it adds (with a fork and a
/// join per block, nationally, the second thread was idle 60 % of the records' phase). This
/// thread parses a block itself whenever the next one is not ready. The same results, in
/// the same order, and the same first error, as [`in_blocks`]; a block's results are parsed
/// once whatever the threads do.
pub(crate) fn in_stream<T, S, R>(
    state: &mut S,
    items: &[T],
    threads: usize,
    work: impl Fn(usize, &T) -> Result<R> + Sync,
    ahead: impl Fn(&S, &R),
    mut take: impl FnMut(&mut S, R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    R: Send,
{
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    let threads = threads.min(super::MAX_THREADS);
    if threads <= 1 || items.len() < MIN_PARALLEL {
        for (i, item) in items.iter().enumerate() {
            let r = work(i, item)?;
            take(state, r)?;
        }
        return Ok(());
    }
    let blocks = items.len().div_ceil(BLOCK);
    let parse = |b: usize| -> Vec<Result<R>> {
        let start = b * BLOCK;
        let end = (start + BLOCK).min(items.len());
        items[start..end].iter().enumerate().map(|(i, item)| work(start + i, item)).collect()
    };
    // The next block nobody has started on.
    let next = AtomicUsize::new(0);
    let claim = || Some(next.fetch_add(1, Relaxed)).filter(|&b| b < blocks);
    std::thread::scope(|scope| {
        // At most `threads` parsed blocks wait in the channel: memory stays bounded.
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Result<R>>)>(threads);
        for _ in 1..threads {
            let (tx, parse, claim) = (tx.clone(), &parse, &claim);
            // A thread that cannot be started leaves its blocks to the others and this one.
            let _ = std::thread::Builder::new().spawn_scoped(scope, move || {
                while let Some(b) = claim() {
                    if tx.send((b, parse(b))).is_err() {
                        break; // this thread stopped taking (an error): stop too
                    }
                }
            });
        }
        drop(tx);
        let mut parsed: std::collections::BTreeMap<usize, Vec<Result<R>>> = std::collections::BTreeMap::new();
        for want in 0..blocks {
            let results = loop {
                if let Some(results) = parsed.remove(&want) {
                    break results;
                }
                match rx.try_recv() {
                    Ok((b, results)) => {
                        parsed.insert(b, results);
                    }
                    // Nothing ready: parse the next block here rather than wait, unless as many
                    // as there are threads are parsed ahead already (a slow thread must not
                    // make this one parse, and hold, the whole array).
                    Err(_) => match if parsed.len() < threads { claim() } else { None } {
                        Some(b) => {
                            parsed.insert(b, parse(b));
                        }
                        // The one wanted is started (blocks are started in order): wait for
                        // it. Should its thread have gone (a panic, raised when the scope
                        // ends), parse it here.
                        None => match rx.recv() {
                            Ok((b, results)) => {
                                parsed.insert(b, results);
                            }
                            Err(_) => break parse(want),
                        },
                    },
                }
            };
            hand_over(state, results.into_iter(), &ahead, &mut take)?;
        }
        Ok(())
    })
}

/// Hands `results` to `take` in order, calling `ahead` on each result
/// [`AHEAD`](crate::model::prefetch::AHEAD) places before it is taken (the records' loaders
/// prefetch the id index's bucket where its record goes: at national scale each insert was a
/// cache miss, a third of the adding thread's time), and prefetching the result itself, which
/// another core wrote.
fn hand_over<S, R>(
    state: &mut S,
    results: impl Iterator<Item = Result<R>> + crate::model::prefetch::Rest<Result<R>>,
    ahead: &impl Fn(&S, &R),
    take: &mut impl FnMut(&mut S, R) -> Result<()>,
) -> Result<()> {
    use crate::model::prefetch::{each_ahead, prefetch};
    let look = |s: &S, r: &Result<R>| {
        prefetch(r);
        if let Ok(r) = r {
            ahead(s, r);
        }
    };
    each_ahead(state, results, look, |s, r| take(s, r?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::model::prefetch::AHEAD;

    fn fail(i: usize) -> Error {
        Error::Invalid { what: format!("item {i}"), message: "fails".into() }
    }

    /// What a test hands [`in_blocks`] or [`in_stream`]: `work` on an item's index, `ahead`,
    /// and `take`, with the results taken so far as the state.
    type Work<'a> = &'a (dyn Fn(usize) -> Result<usize> + Sync);
    type Ahead<'a> = &'a dyn Fn(&Vec<usize>, &usize);
    type Take<'a> = &'a mut dyn FnMut(&mut Vec<usize>, usize) -> Result<()>;

    /// Every thread count gives the results in item order, each looked at `AHEAD` places
    /// before it is taken when the function looks ahead (on one thread each is taken as it is
    /// made: none is looked at), and
    /// the first error in item order, whichever thread met it and whether `work` or `take`
    /// raised it, nothing after it taken.
    fn check_item_order(
        looks_ahead: bool,
        run: impl Fn(&mut Vec<usize>, &[usize], usize, Work<'_>, Ahead<'_>, Take<'_>) -> Result<()>,
    ) {
        let items: Vec<usize> = (0..5 * BLOCK + 17).collect();
        for threads in [1, 2, 3, 8, usize::MAX] {
            let mut seen = Vec::new();
            let looked = std::cell::RefCell::new(Vec::new());
            let ahead = |s: &Vec<usize>, &y: &usize| {
                let i = y / 2;
                assert!(i >= s.len() && i <= s.len() + AHEAD, "{i} looked at with {} taken", s.len());
                looked.borrow_mut().push(i);
            };
            run(&mut seen, &items, threads, &|i| Ok(i * 2), &ahead, &mut |s, y| {
                assert_eq!(y, s.len() * 2);
                s.push(y / 2);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, items, "{threads} threads");
            let want = if threads == 1 || !looks_ahead { vec![] } else { items.clone() };
            assert_eq!(looked.into_inner(), want, "{threads} threads");
            for bad in [0, 5, BLOCK - 1, BLOCK, 2 * BLOCK + 3, 4 * BLOCK + 1, items.len() - 1] {
                let last = items.len() - 1;
                let mut taken = Vec::new();
                let work = |i| if i == bad || i == bad + 1 || i == last { Err(fail(i)) } else { Ok(i) };
                let err = run(&mut taken, &items, threads, &work, &|_, _| {}, &mut |s, i| {
                    s.push(i);
                    Ok(())
                })
                .unwrap_err();
                assert_eq!(err.to_string(), fail(bad).to_string(), "{threads} threads, bad {bad}");
                assert_eq!(taken.len(), bad, "everything before the error is taken, nothing after");
                let err = run(&mut Vec::new(), &items, threads, &Ok, &|_, _| {}, &mut |_, i| {
                    if i >= bad { Err(fail(i)) } else { Ok(()) }
                })
                .unwrap_err();
                assert_eq!(err.to_string(), fail(bad).to_string(), "{threads} threads, take fails at {bad}");
            }
        }
    }

    #[test]
    fn results_and_errors_come_in_item_order() {
        check_item_order(false, |state, items, threads, work, _, take| {
            in_blocks(state, items, threads, |_, _: &mut (), i, _| work(i), take)
        });
    }

    /// A panic in `work`, on whichever thread, comes out of `in_stream` as a panic, and
    /// nothing waits forever for the block it left unparsed.
    #[test]
    fn a_panic_while_streaming_is_raised_not_waited_for() {
        let items: Vec<usize> = (0..4 * BLOCK).collect();
        for (threads, bad) in [(2, BLOCK + 5), (3, 5), (2, 4 * BLOCK - 1)] {
            let run = std::panic::catch_unwind(|| {
                let mut seen = 0usize;
                let work = |i: usize, _: &usize| if i == bad { panic!("item {i}") } else { Ok(i) };
                in_stream(
                    &mut seen,
                    &items,
                    threads,
                    work,
                    |_, _| {},
                    |s, _| {
                        *s += 1;
                        Ok(())
                    },
                )
            });
            assert!(run.is_err(), "{threads} threads, panic at {bad}");
        }
    }

    #[test]
    fn streamed_results_and_errors_come_in_item_order() {
        check_item_order(true, |state, items, threads, work, ahead, take| {
            in_stream(state, items, threads, |i, _| work(i), ahead, take)
        });
    }
}
