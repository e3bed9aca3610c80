//! An order-preserving parallel map for the check pipeline: worker threads take inputs in order
//! as they become free, and the caller consumes the results strictly in input order, on its own
//! thread, while the workers go on. At most `window` results wait unconsumed, so memory stays
//! bounded however many inputs there are.
//!
//! Plain threads, a mutex and two condition variables rather than a work-stealing pool: each
//! input is a whole file (milliseconds of work), so scheduling costs nothing measurable, and
//! idle workers sleep instead of spinning on the two cores the check shares with its consumer.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

/// Shared state: the next input to take, the next result to consume, and finished results.
struct Queue<R> {
    next: usize,
    consumed: usize,
    done: BTreeMap<usize, std::thread::Result<R>>,
    /// Set when the consumer stops early (it panicked): workers stop taking inputs.
    closed: bool,
}

/// Closes the queue when the consumer leaves, normally or by unwinding, so workers never wait
/// forever for room in the window.
struct CloseOnDrop<'a, R> {
    queue: &'a Mutex<Queue<R>>,
    room: &'a Condvar,
}

impl<R> Drop for CloseOnDrop<'_, R> {
    fn drop(&mut self) {
        if let Ok(mut q) = self.queue.lock() {
            q.closed = true;
        }
        self.room.notify_all();
    }
}

/// Runs `work` on every input on `threads` worker threads and passes each result to `consume`
/// in input order. With one thread (or one input) everything runs on the caller's thread.
pub fn map_ordered<T, R, W, C>(inputs: &[T], threads: usize, window: usize, work: W, mut consume: C)
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    C: FnMut(R),
{
    if threads <= 1 || inputs.len() <= 1 {
        for input in inputs {
            consume(work(input));
        }
        return;
    }
    let window = window.max(threads);
    let queue = Mutex::new(Queue { next: 0, consumed: 0, done: BTreeMap::new(), closed: false });
    // `room`: the window moved on (workers may take more); `ready`: a result was stored.
    let (room, ready) = (Condvar::new(), Condvar::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(inputs.len()) {
            scope.spawn(|| {
                loop {
                    let index = {
                        let Ok(mut q) = queue.lock() else { return };
                        while !q.closed && q.next < inputs.len() && q.next >= q.consumed + window {
                            q = match room.wait(q) {
                                Ok(q) => q,
                                Err(_) => return,
                            };
                        }
                        if q.closed || q.next >= inputs.len() {
                            return;
                        }
                        q.next += 1;
                        q.next - 1
                    };
                    // A panic in the work is carried to the consumer, which re-raises it in order.
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&inputs[index])));
                    let Ok(mut q) = queue.lock() else { return };
                    q.done.insert(index, result);
                    drop(q);
                    ready.notify_one();
                }
            });
        }
        let _close = CloseOnDrop { queue: &queue, room: &room };
        for index in 0..inputs.len() {
            let result = {
                let mut q = queue.lock().expect("a worker panicked");
                loop {
                    if let Some(r) = q.done.remove(&index) {
                        q.consumed = index + 1;
                        break r;
                    }
                    q = ready.wait(q).expect("a worker panicked");
                }
            };
            room.notify_all();
            match result {
                Ok(r) => consume(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
}

/// The thread count given with `-j`/`--threads` (0: not given).
static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets the number of worker threads (`-j N`); it takes precedence over `QINGDAN_THREADS`.
pub fn set_threads(n: usize) {
    THREADS.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// The number of worker threads: `-j N` when given, else `QINGDAN_THREADS` when set to a
/// positive number, else the machine's available parallelism.
pub fn threads() -> usize {
    let given = THREADS.load(std::sync::atomic::Ordering::Relaxed);
    if given > 0 {
        return given;
    }
    std::env::var("QINGDAN_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_input_order_whatever_the_work_takes() {
        let inputs: Vec<u64> = (0..200).collect();
        for threads in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            map_ordered(
                &inputs,
                threads,
                4,
                |&i| {
                    // Uneven work: later inputs often finish first.
                    std::thread::sleep(std::time::Duration::from_micros((200 - i) % 7 * 50));
                    i * 2
                },
                |r| seen.push(r),
            );
            assert_eq!(seen, inputs.iter().map(|i| i * 2).collect::<Vec<_>>(), "{threads} threads");
        }
    }

    #[test]
    fn empty_input_consumes_nothing() {
        let mut n = 0;
        map_ordered(&[] as &[u8], 4, 4, |_| 1, |_: i32| n += 1);
        assert_eq!(n, 0);
    }
}
