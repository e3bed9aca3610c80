//! The ordered stream one file's reading goes through. Events pass in order; the data rows of
//! an item table are screened, built into items, settled and given the caller's per-item work
//! ([`ItemWork`]) either inline or, once a table is large and more than one thread is allowed,
//! in batches on worker threads; the results are emitted strictly in row order, so what the
//! caller receives is the same, event for event, whatever the thread count.
//!
//! The reading thread only frames and decodes rows, resolves the header and consumes; the
//! workers do the per-row work (screening, normalizing, the caller's rules). At most a window of
//! batches is in flight, so memory stays bounded however long the file is. What depends on the
//! rows before (a list's jurisdiction learnt from its rows, joining materials read earlier) is
//! settled on the reading thread in row order; a row whose settling needs it is handed back
//! from the worker unsettled ([`Built::awaits_rows`]), and rows are sent to workers only while
//! no materials wait to be joined.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

use super::Event;
use super::build::{self, Built, HeaderMemo, MaterialsIndex, RowsJurisdiction, TableRows};
use super::csv::{CsvIssue, Decoder, RawRow};
use super::table::Row;
use crate::finding::Finding;
use crate::model::item::{CatalogKind, Item};

/// Work done on every item as it is read: on a worker thread when the item was built there, so
/// it must not depend on other items (per-item rules, serializing, reducing an item).
pub trait ItemWork: Sync {
    /// What an item becomes.
    type Out: Send;
    /// The work on one item of a table of `kind`.
    fn work(&self, item: Box<Item>, kind: CatalogKind) -> Self::Out;
}

/// No work: items are emitted whole.
pub struct Whole;

impl ItemWork for Whole {
    type Out = Box<Item>;
    fn work(&self, item: Box<Item>, _: CatalogKind) -> Box<Item> {
        item
    }
}

/// A data row of an item table, below its header: read (and found not blank), or a CSV record
/// still to be decoded (decoding is then part of the row's work, off the reading thread).
pub enum DataRow {
    /// Cells read.
    Row(Row),
    /// A CSV record and its decoder; a blank record gives nothing.
    Raw(RawRow, Decoder),
}

/// Where the sheet builders send what they read, in order.
pub trait Emit {
    /// An event; everything handed over before it is emitted first. An item gets the work.
    fn event(&mut self, ev: Event);
    /// One data row of an item table, to be built and emitted.
    fn data_row(&mut self, table: &Arc<TableRows>, row: DataRow);
    /// How many items the current item table has given (everything handed over is emitted first).
    fn table_items(&mut self) -> usize;
    /// Materials from separate tables, for joining to items and for indexing a materials table.
    fn index(&mut self) -> &mut MaterialsIndex;
    /// The problems met decoding the CSV records handed over as [`DataRow::Raw`], in row order
    /// (everything handed over is emitted first).
    fn take_csv_issues(&mut self) -> Vec<CsvIssue>;
}

/// Rows of a file built inline before batches go to workers (a small file never starts them).
const INLINE_ROWS: usize = 1024;
/// Rows per batch.
const BATCH_ROWS: usize = 256;
/// Batches in flight per worker thread.
const WINDOW_PER_THREAD: usize = 4;

/// One row's result, from a worker.
enum Done<O> {
    /// Problems decoding the row's CSV record (before the row's own result).
    Issues(Vec<CsvIssue>),
    /// A blank CSV record: nothing.
    Blank,
    /// Not an item (QD008).
    Skipped(Box<Finding>),
    /// Built, settled and worked: the work's result, the findings of its values, and its
    /// division code when the table's rows are evidence of its jurisdiction.
    Worked { out: O, findings: Vec<Finding>, division: Option<String> },
    /// Built, to be settled in row order ([`Built::awaits_rows`]).
    Pending(Built),
}

/// A batch of rows for a worker.
struct Job {
    seq: u64,
    table: Arc<TableRows>,
    kind: CatalogKind,
    rows: Vec<DataRow>,
}

/// A worker's results for one batch (a panic is carried to the reading thread).
struct Finished<O> {
    seq: u64,
    table: Arc<TableRows>,
    results: std::thread::Result<Vec<Done<O>>>,
}

/// The worker threads of one file and the batches in flight.
struct Pool<O> {
    jobs: SyncSender<Job>,
    finished: Receiver<Finished<O>>,
    /// Results that arrived before an earlier batch's.
    early: BTreeMap<u64, Finished<O>>,
    /// The next batch to send and the next to emit.
    sent: u64,
    emitted: u64,
    window: u64,
}

/// The [`Emit`] of one file's reading: emits what the builders send to `emit`, applying `work`
/// to every item, inline or on up to `threads` workers spawned in `scope` when given.
pub struct Ordered<'a, 's, 'e, W: ItemWork> {
    work: &'e W,
    emit: &'a mut dyn FnMut(Event<W::Out>),
    index: &'a mut MaterialsIndex,
    scope: Option<&'s Scope<'s, 'e>>,
    threads: usize,
    /// The kind of the current table (from its [`Event::Table`]).
    kind: CatalogKind,
    /// Items of the current item table emitted so far.
    items: usize,
    /// The division codes of the current table's rows, in order.
    rows_jurisdiction: RowsJurisdiction,
    /// For rows screened on this thread.
    memo: HeaderMemo,
    /// Data rows seen in this file.
    rows_seen: usize,
    /// Rows gathered for the next batch.
    batch: Option<(Arc<TableRows>, Vec<DataRow>)>,
    pool: Option<Pool<W::Out>>,
    /// Problems decoding CSV records, in row order.
    csv_issues: Vec<CsvIssue>,
}

impl<'a, 's, 'e, W: ItemWork> Ordered<'a, 's, 'e, W> {
    /// A stream to `emit`; with a `scope` and more than one thread, large tables are built on
    /// worker threads spawned in it.
    pub fn new(
        work: &'e W,
        index: &'a mut MaterialsIndex,
        emit: &'a mut dyn FnMut(Event<W::Out>),
        scope: Option<&'s Scope<'s, 'e>>,
        threads: usize,
    ) -> Self {
        Ordered {
            work,
            emit,
            index,
            scope: scope.filter(|_| threads > 1),
            threads,
            kind: CatalogKind::Implementation,
            items: 0,
            rows_jurisdiction: RowsJurisdiction::default(),
            memo: HeaderMemo::new(),
            rows_seen: 0,
            batch: None,
            pool: None,
            csv_issues: Vec::new(),
        }
    }

    /// Emits everything handed over so far.
    pub fn flush(&mut self) {
        self.send_batch();
        while self.pool.as_ref().is_some_and(|p| p.emitted < p.sent) {
            self.emit_next_batch();
        }
    }

    /// Settles a built item on this thread, in row order, and emits it with its findings.
    fn settle_and_emit(&mut self, table: &TableRows, built: Built) {
        let (mut item, findings) = built.settle(table, &self.rows_jurisdiction);
        if table.observes_rows()
            && let Some(code) = &item.division_code
        {
            self.rows_jurisdiction.observe(code);
        }
        if item.materials.is_none()
            && !self.index.is_empty()
            && let Some(ms) = self.index.take_for(&item)
        {
            item.materials = Some(ms);
        }
        let out = self.work.work(item, self.kind);
        self.emit_item(out, findings);
    }

    fn emit_item(&mut self, out: W::Out, findings: Vec<Finding>) {
        self.items += 1;
        (self.emit)(Event::Item(out));
        for f in findings {
            (self.emit)(Event::Finding(f));
        }
    }

    /// Sends the gathered rows to the workers (starting them on the first batch), first making
    /// room in the window by emitting the oldest batch.
    fn send_batch(&mut self) {
        let Some((table, rows)) = self.batch.take() else { return };
        if self.pool.is_none() {
            self.pool = Some(self.start_pool());
        }
        while self.pool.as_ref().is_some_and(|p| p.sent - p.emitted >= p.window) {
            self.emit_next_batch();
        }
        let Some(pool) = &mut self.pool else { return };
        let job = Job { seq: pool.sent, table, kind: self.kind, rows };
        pool.sent += 1;
        // The workers live as long as the pool's sender: a send fails only if every worker
        // died, which the next `emit_next_batch` reports.
        let _ = pool.jobs.send(job);
    }

    fn start_pool(&self) -> Pool<W::Out> {
        let window = (self.threads * WINDOW_PER_THREAD) as u64;
        let (jobs, job_queue) = std::sync::mpsc::sync_channel::<Job>(window as usize);
        let (done, finished) = std::sync::mpsc::channel();
        let job_queue = Arc::new(Mutex::new(job_queue));
        if let Some(scope) = self.scope {
            for _ in 0..self.threads {
                let (job_queue, done, work) = (job_queue.clone(), done.clone(), self.work);
                scope.spawn(move || worker(&job_queue, &done, work));
            }
        }
        Pool { jobs, finished, early: BTreeMap::new(), sent: 0, emitted: 0, window }
    }

    /// Waits for the oldest batch in flight and emits its rows in order.
    fn emit_next_batch(&mut self) {
        let Some(pool) = &mut self.pool else { return };
        let next = pool.emitted;
        let batch = loop {
            if let Some(b) = pool.early.remove(&next) {
                break b;
            }
            match pool.finished.recv() {
                Ok(b) => {
                    pool.early.insert(b.seq, b);
                }
                // Every worker is gone without a result: only a bug in qingdan does this.
                Err(_) => panic!("the worker threads stopped"),
            }
        };
        pool.emitted += 1;
        let results = match batch.results {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        for done in results {
            match done {
                Done::Issues(issues) => self.csv_issues.extend(issues),
                Done::Blank => {}
                Done::Skipped(f) => (self.emit)(Event::Finding(*f)),
                Done::Worked { out, findings, division } => {
                    if let Some(code) = division {
                        self.rows_jurisdiction.observe(&code);
                    }
                    self.emit_item(out, findings);
                }
                Done::Pending(built) => self.settle_and_emit(&batch.table, built),
            }
        }
    }
}

/// One worker: takes batches until the reading thread drops the sender.
fn worker<W: ItemWork>(jobs: &Mutex<Receiver<Job>>, done: &Sender<Finished<W::Out>>, work: &W) {
    let mut memo = HeaderMemo::new();
    loop {
        let job = match jobs.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(Job { seq, table, kind, rows }) = job else { return };
        let results = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut done = Vec::with_capacity(rows.len());
            for row in rows {
                let result = work_row(&table, kind, row, work, &mut memo, &mut done);
                done.push(result);
            }
            done
        }));
        if done.send(Finished { seq, table, results }).is_err() {
            return;
        }
    }
}

/// The cells of a data row: a CSV record is decoded (its problems go to `issues`); `None` for
/// a blank one.
fn cells(row: DataRow, issues: &mut Vec<CsvIssue>) -> Option<Row> {
    match row {
        DataRow::Row(row) => Some(row),
        DataRow::Raw(raw, decoder) => Some(decoder.decode(&raw, issues)).filter(|r| !r.is_blank()),
    }
}

/// A row's work on a worker: decoded, screened, built, settled unless it awaits the rows before
/// it, and worked. Decoding problems are pushed to `before` ahead of the result.
fn work_row<W: ItemWork>(
    table: &TableRows,
    kind: CatalogKind,
    row: DataRow,
    work: &W,
    memo: &mut HeaderMemo,
    before: &mut Vec<Done<W::Out>>,
) -> Done<W::Out> {
    let mut issues = Vec::new();
    let row = cells(row, &mut issues);
    if !issues.is_empty() {
        before.push(Done::Issues(issues));
    }
    let Some(row) = row else { return Done::Blank };
    let row = match build::screen(table, row, memo) {
        Ok(row) => row,
        Err(skipped) => return Done::Skipped(skipped),
    };
    let built = build::build(table, row);
    if built.awaits_rows(table) {
        return Done::Pending(built);
    }
    let (item, findings) = built.settle(table, &RowsJurisdiction::default());
    let division = if table.observes_rows() { item.division_code.clone() } else { None };
    Done::Worked { out: work.work(item, kind), findings, division }
}

impl<W: ItemWork> Emit for Ordered<'_, '_, '_, W> {
    fn event(&mut self, ev: Event) {
        self.flush();
        match ev {
            Event::Table { file, sheet, kind } => {
                self.kind = kind;
                self.items = 0;
                self.rows_jurisdiction = RowsJurisdiction::default();
                (self.emit)(Event::Table { file, sheet, kind });
            }
            Event::Item(item) => {
                let out = self.work.work(item, self.kind);
                (self.emit)(Event::Item(out));
            }
            Event::Finding(f) => (self.emit)(Event::Finding(f)),
        }
    }

    fn data_row(&mut self, table: &Arc<TableRows>, row: DataRow) {
        self.rows_seen += 1;
        // Workers only while no materials wait to be joined (joining takes them in row order).
        if self.scope.is_none() || self.rows_seen <= INLINE_ROWS || !self.index.is_empty() {
            self.flush();
            let Some(row) = cells(row, &mut self.csv_issues) else { return };
            match build::screen(table, row, &mut self.memo) {
                Ok(row) => self.settle_and_emit(table, build::build(table, row)),
                Err(skipped) => (self.emit)(Event::Finding(*skipped)),
            }
            return;
        }
        match &mut self.batch {
            Some((t, rows)) if Arc::ptr_eq(t, table) => rows.push(row),
            _ => {
                self.send_batch();
                self.batch = Some((table.clone(), Vec::with_capacity(BATCH_ROWS)));
                if let Some((_, rows)) = &mut self.batch {
                    rows.push(row);
                }
            }
        }
        if self.batch.as_ref().is_some_and(|(_, rows)| rows.len() >= BATCH_ROWS) {
            self.send_batch();
        }
    }

    fn table_items(&mut self) -> usize {
        self.flush();
        self.items
    }

    fn index(&mut self) -> &mut MaterialsIndex {
        self.flush();
        self.index
    }

    fn take_csv_issues(&mut self) -> Vec<CsvIssue> {
        self.flush();
        std::mem::take(&mut self.csv_issues)
    }
}
