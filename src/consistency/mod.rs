//! 四级同源: cross-level consistency of a catalog repository. The base catalog is read first
//! (files and sheets named 基本目录 are ordered before the rest); each implementation item is
//! then compared with its base entry on arrival, and reduced to a small fingerprint (hashes of
//! its normalized elements) for the sibling comparison at the end. Full values are kept once per
//! distinct variant, only to quote them in findings.

pub mod guide;
mod matrix;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

pub use matrix::{Cell as MatrixCell, ItemRow, JurisdictionSummary, Matrix};

use crate::finding::{Finding, Location, Policy};
use crate::i18n::Msg;
use crate::model::codes::{division_level, division_parent};
use crate::model::field::Field;
use crate::model::item::{CatalogKind, Item, Material};
use crate::model::provenance::Provenance;
use crate::model::vocab::Level;
use crate::normalize::materials::{material_key, material_key_hash};
use crate::normalize::text::{fold_key, hash_fold_key};

/// The maps of the consistency stage: their keys (codes, fingerprints) are hashed with foldhash,
/// seeded at random once per process, much cheaper than SipHash on the per-item path.
type HashMap<K, V> = foldhash::HashMap<K, V>;

/// The hasher of fingerprints: fixed, so that fingerprints computed on different worker threads
/// agree. Fingerprints are only compared with one another inside one run, never stored.
const FINGERPRINT: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x71_6e67_6461_6e00);

/// A base-catalog entry, kept whole (base catalogs are small).
#[derive(Debug, Clone)]
pub struct BaseEntry {
    /// 事项名称.
    pub name: Option<String>,
    /// 事项类型 as text.
    pub item_type: Option<String>,
    /// 设定依据.
    pub legal_basis: Option<String>,
    /// 行使层级.
    pub levels: Vec<Level>,
    /// Comparison keys of name, item type and legal basis, computed once.
    keys: [Option<String>; 3],
    /// Fingerprints and values of the compared elements the base entry carries (materials,
    /// conditions, statutory limit, fee): where it carries one, it is the standard.
    standard: [Option<(u64, String)>; 4],
}

/// The elements compared between siblings.
const UNIFORM_FIELDS: [Field; 4] = [Field::Materials, Field::Conditions, Field::StatutoryLimit, Field::Fee];

/// One implementation item reduced to what the sibling comparison needs: 56 bytes, whatever
/// the item held (a catalog of a million items keeps a million of these).
#[derive(Debug, Clone)]
struct Member {
    jurisdiction: u32,
    fingerprints: [u64; 4],
    /// Where the item came from, to locate findings when reported.
    at: ItemAt,
    /// The item's label ([`Item::label`]: mostly its 实施编码, unique to it).
    label: Option<Box<str>>,
}

/// Where an item came from: its table (interned in [`Consistency::tables`]) and row.
#[derive(Debug, Clone, Copy)]
struct ItemAt {
    table: u32,
    row: u32,
}

/// Strings kept once each, by number: basic codes and parent division codes repeat across
/// items (one basic code per base item, one parent per level of a region).
#[derive(Debug, Default)]
struct Interned {
    ids: HashMap<Arc<str>, u32>,
    all: Vec<Arc<str>>,
}

impl Interned {
    /// The number of `s`, adding it when new.
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.all.len() as u32;
        let s: Arc<str> = s.into();
        self.all.push(s.clone());
        self.ids.insert(s, id);
        id
    }

    /// The number of `s`, if it was ever added.
    fn find(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    fn get(&self, id: u32) -> &str {
        &self.all[id as usize]
    }
}

/// A table items came from (its file, sheet and field sources), shared by all its items.
#[derive(Debug, Clone)]
struct TableOf {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    fields: crate::model::provenance::FieldSources,
    form: bool,
}

/// A jurisdiction that has an implementation list.
#[derive(Debug, Clone)]
struct Jurisdiction {
    code: String,
    level: Option<Level>,
    first_file: Arc<str>,
    items: usize,
}

/// Collects items and produces the cross-level findings and matrix.
#[derive(Debug, Default)]
pub struct Consistency {
    names: BTreeMap<String, String>,
    base: HashMap<String, BaseEntry>,
    base_order: Vec<String>,
    jurisdictions: Vec<Jurisdiction>,
    jurisdiction_ids: HashMap<String, u32>,
    /// (basic code, jurisdiction) pairs claimed, and those deviating.
    claimed: HashMap<(u32, u32), bool>,
    /// Sibling groups: (basic code, parent code, level) → members.
    groups: HashMap<(u32, u32, Option<Level>), Vec<Member>>,
    /// Basic codes and parent division codes, by number.
    codes: Interned,
    parents: Interned,
    /// The tables items came from, and their numbers by the addresses of their shared parts
    /// (held here, so an address is never reused while it names a table).
    tables: Vec<TableOf>,
    table_ids: HashMap<(usize, usize, usize, bool), u32>,
    /// One representative value per variant: (field, fingerprint) → value shown.
    variants: HashMap<(Field, u64), Variant>,
    /// impl_code fingerprint → where it was first seen (repository-wide uniqueness).
    impl_codes: HashMap<u64, ItemAt>,
    findings: Vec<Finding>,
    implementation_items: usize,
    base_named: Option<String>,
    /// Digit counts a basic code may have (config), plus those the base catalog uses.
    basic_lengths: BTreeSet<usize>,
}

#[derive(Debug, Clone)]
enum Variant {
    Text(String),
    Materials(BTreeMap<String, String>),
}

impl Variant {
    /// The value as quoted in a message.
    fn shown(&self) -> String {
        match self {
            Variant::Text(t) => t.clone(),
            Variant::Materials(m) => m.values().cloned().collect::<Vec<_>>().join("；"),
        }
    }
}

fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
    FINGERPRINT.hash_one(v)
}

/// The 64-bit hash by which the maps holding one entry per item (实施编码 uniqueness in a table
/// and across the repository) tell codes apart: 8 bytes instead of the code. Two different
/// codes share a hash with a chance of about n²/2⁶⁵ (3 × 10⁻⁸ for a million codes).
pub fn code_hash(code: &str) -> u64 {
    hash(code)
}

/// What the sibling comparison needs of an item's compared elements, computed where the item is
/// read (a worker thread) so that [`Consistency::observe`], which runs in file order on one
/// thread, only looks things up.
#[derive(Debug, Default)]
pub struct Prepared {
    fingerprints: [u64; 4],
    /// Whether the item has each compared element (the reduced item no longer says).
    present: [bool; 4],
    /// Values to quote for a variant, moved out of the item by [`Prepared::take`]; `None` means
    /// "build it from the item when needed".
    variants: [Option<Pending>; 4],
}

/// A value to quote for a variant as moved out of an item: materials keep their list, turned
/// into a [`Variant`] only when the variant is new or quoted (few items are either).
#[derive(Debug)]
enum Pending {
    Text(String),
    Materials(Vec<Material>),
}

impl Pending {
    /// The value as [`variant`] gives it for the item it was moved out of.
    fn into_variant(self) -> Variant {
        match self {
            Pending::Text(t) => Variant::Text(t),
            Pending::Materials(ms) => materials_variant(&ms),
        }
    }

    /// The value as quoted in a message ([`Variant::shown`] of [`Pending::into_variant`]).
    fn shown(&self) -> String {
        match self {
            Pending::Text(t) => t.clone(),
            Pending::Materials(ms) => materials_variant(ms).shown(),
        }
    }
}

impl Prepared {
    /// Fingerprints of `item`'s compared elements; quoted values are built later, only for a
    /// variant seen for the first time.
    pub fn of(item: &Item) -> Prepared {
        let mut p = Prepared::default();
        for (i, f) in UNIFORM_FIELDS.iter().enumerate() {
            p.fingerprints[i] = fingerprint(item, *f);
            p.present[i] = item.has(*f);
        }
        p
    }

    /// [`Prepared::of`], and the item reduced to what [`Consistency::observe`] and the check's
    /// ordered stage read (identity, type, basis, level, division, provenance): the long texts
    /// are dropped here, on the thread that allocated them, and the compared values are moved
    /// into the result.
    pub fn take(item: Item) -> (Item, Prepared) {
        let mut p = Prepared::of(&item);
        for (i, f) in UNIFORM_FIELDS.iter().enumerate() {
            p.variants[i] = match f {
                Field::Conditions | Field::Materials => None,
                _ => item.display(*f).map(Pending::Text),
            };
        }
        let Item { name, basic_code, impl_code, item_type, legal_basis, level, division_code, conditions, materials, provenance, .. } =
            item;
        // The long values are moved, not copied.
        if let Some(i) = UNIFORM_FIELDS.iter().position(|f| *f == Field::Conditions) {
            p.variants[i] = conditions.map(Pending::Text);
        }
        if let Some(i) = UNIFORM_FIELDS.iter().position(|f| *f == Field::Materials) {
            p.variants[i] = materials.map(Pending::Materials);
        }
        let slim = Item { name, basic_code, impl_code, item_type, legal_basis, level, division_code, provenance, ..Default::default() };
        (slim, p)
    }
}

/// The fingerprint of one compared element: materials as a set of normalized names, conditions
/// by their comparison key, the others by value. Absent materials count as none (a missing
/// cell is QD100's business, not a deviation).
fn fingerprint(item: &Item, f: Field) -> u64 {
    let mut h = FINGERPRINT.build_hasher();
    match f {
        Field::Materials => {
            let mut keys: Vec<u64> = item.materials.iter().flatten().map(|m| material_key_hash(&m.name)).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.hash(&mut h);
        }
        Field::Conditions => {
            item.conditions.is_some().hash(&mut h);
            if let Some(c) = &item.conditions {
                hash_fold_key(c, &mut h);
            }
        }
        Field::StatutoryLimit => item.statutory_limit.hash(&mut h),
        Field::Fee => item.fee.hash(&mut h),
        _ => item.display(f).hash(&mut h),
    }
    h.finish()
}

/// The value quoted for a variant of one compared element (`None` when absent).
fn variant(item: &Item, f: Field) -> Option<Variant> {
    match f {
        Field::Materials => Some(materials_variant(item.materials.as_ref()?)),
        _ => item.display(f).map(Variant::Text),
    }
}

/// The variant of a materials list: names by their comparison key.
fn materials_variant(ms: &[Material]) -> Variant {
    Variant::Materials(ms.iter().map(|m| (material_key(&m.name), m.name.clone())).collect())
}

impl Consistency {
    /// A collector; `names` are jurisdiction names from the config, `base_named` the base
    /// catalog named by `--base` or the config, if any.
    pub fn new(names: BTreeMap<String, String>, base_named: Option<String>) -> Consistency {
        Consistency { names: Consistency::with_builtin_names(names), base_named, basic_lengths: BTreeSet::from([12]), ..Default::default() }
    }

    /// Sets the digit counts a basic code may have (`basic_code_lengths:`).
    pub fn with_basic_code_lengths(mut self, lengths: &[usize]) -> Consistency {
        self.basic_lengths = lengths.iter().copied().collect();
        self
    }

    /// Whether a basic code has an accepted layout: all digits, of a configured length or one
    /// the base catalog uses.
    fn basic_layout_ok(&self, code: &str) -> bool {
        code.bytes().all(|b| b.is_ascii_digit()) && self.basic_lengths.contains(&code.len())
    }

    /// A basic code that lost its leading zeros (Excel stored it as a number), restored when
    /// exactly one base-catalog code matches it left-padded.
    fn pad_to_base(&self, code: &str) -> Option<String> {
        if !code.bytes().all(|b| b.is_ascii_digit()) || self.base.contains_key(code) {
            return None;
        }
        let found: Vec<String> = self
            .basic_lengths
            .iter()
            .filter(|l| **l > code.len())
            .map(|l| format!("{code:0>l$}", l = *l))
            .filter(|p| self.base.contains_key(p))
            .collect();
        match <[String; 1]>::try_from(found) {
            Ok([one]) => Some(one),
            Err(_) => None,
        }
    }

    fn jurisdiction_name(&self, code: &str) -> String {
        match self.names.get(code) {
            Some(n) => format!("{n}({code})"),
            None => code.to_string(),
        }
    }

    /// Config names first, then the bundled division table.
    pub fn with_builtin_names(names: BTreeMap<String, String>) -> BTreeMap<String, String> {
        crate::model::divisions::Divisions::new(&names).names().clone()
    }

    /// Observes one item as it is read; `prepared` is [`Prepared::of`] (or [`Prepared::take`])
    /// of the same item, computed when it is not given.
    ///
    /// A basic code that lost its leading zeros is restored in `item` when the base catalog
    /// proves it (QD015); a basic code of no accepted layout is QD111, and then not QD201.
    pub fn observe(&mut self, item: &mut Item, kind: CatalogKind, prepared: Option<Prepared>) {
        match kind {
            CatalogKind::Base => self.observe_base(item),
            CatalogKind::Implementation => {
                let prepared = prepared.unwrap_or_else(|| Prepared::of(item));
                self.observe_implementation(item, prepared)
            }
        }
    }

    fn observe_base(&mut self, item: &Item) {
        let Some(code) = item.basic_code.clone() else { return };
        if self.base.contains_key(&code) {
            return;
        }
        if code.bytes().all(|b| b.is_ascii_digit()) {
            self.basic_lengths.insert(code.len());
        }
        self.base_order.push(code.clone());
        self.base.insert(
            code,
            BaseEntry {
                keys: [item.name.as_deref().map(fold_key), item.display(Field::ItemType), item.legal_basis.as_deref().map(fold_key)],
                name: item.name.clone(),
                item_type: item.display(Field::ItemType),
                legal_basis: item.legal_basis.clone(),
                levels: item.level.clone(),
                standard: UNIFORM_FIELDS.map(|f| item.has(f).then(|| (fingerprint(item, f), item.display(f).unwrap_or_default()))),
            },
        );
    }

    fn observe_implementation(&mut self, item: &mut Item, mut prepared: Prepared) {
        let mut malformed = false;
        if let Some(code) = item.basic_code.clone() {
            if !self.base.is_empty()
                && let Some(padded) = self.pad_to_base(&code)
            {
                item.basic_code = Some(padded.clone());
                let msg = Msg::CodeRepaired {
                    field: Field::BasicCode,
                    raw: code,
                    repaired: padded,
                    evidence: crate::i18n::RepairEvidence::BasePadding,
                };
                self.findings.push(Finding::at_item("QD015", item, Some(Field::BasicCode), msg));
            } else if !self.basic_layout_ok(&code) {
                let lengths = self.basic_lengths.iter().map(usize::to_string).collect::<Vec<_>>().join("/");
                self.findings.push(Finding::at_item("QD111", item, Some(Field::BasicCode), Msg::BasicCodeLayout { raw: code, lengths }));
                // Counted, but not compared: being unsourced or deviating says nothing new.
                malformed = true;
            }
        }
        let item: &Item = item;
        self.implementation_items += 1;
        // Repository-wide impl_code uniqueness (QD206); duplicates inside one table are QD103.
        // A 办事指南 form is another view of a list row, compared by QD207 instead.
        if let Some(code) = item.impl_code.as_ref().filter(|_| !item.provenance.form) {
            let here = &item.provenance;
            match self.impl_codes.get(&code_hash(code)).map(|at| self.provenance(*at)) {
                Some(first) if (&first.file, &first.sheet) != (&here.file, &here.sheet) => {
                    let at = Location::of_provenance(&first, Some(Field::ImplCode));
                    let first = format!("{} {}", first.file, at.cell_ref());
                    let msg = Msg::DuplicateImplCode { code: code.clone(), first };
                    self.findings.push(Finding::at_item("QD206", item, Some(Field::ImplCode), msg));
                }
                Some(_) => {}
                None => {
                    let at = self.item_at(here);
                    self.impl_codes.insert(code_hash(code), at);
                }
            }
        }
        // A 办事指南 is a second document of a listed item: it does not add to the item count.
        let counted = !item.provenance.form;
        let jid = item.division_code.as_deref().map(|c| self.jurisdiction_id(c, &item.provenance.file, counted));
        let Some(code) = item.basic_code.clone().filter(|_| !malformed) else { return };
        let mut deviating = false;
        if !self.base.is_empty() {
            match self.base.get(&code) {
                None => self.findings.push(Finding::at_item("QD201", item, Some(Field::BasicCode), Msg::Unsourced { code: code.clone() })),
                Some(base) => {
                    let item_type = item.item_type.map(|t| t.as_str());
                    let pairs = [
                        (Field::Name, item.name.as_deref(), &base.name, base.keys[0].as_deref(), true),
                        (Field::ItemType, item_type, &base.item_type, base.keys[1].as_deref(), false),
                        (Field::LegalBasis, item.legal_basis.as_deref(), &base.legal_basis, base.keys[2].as_deref(), true),
                    ];
                    for (field, ours, theirs, their_key, fold) in pairs {
                        // Equal texts have equal keys: most items copy the base verbatim.
                        let differs = |o: &str, b: &str, k: &str| o != b && if fold { fold_key(o) != k } else { o != k };
                        if let (Some(o), Some(b), Some(k)) = (ours, theirs, their_key)
                            && differs(o, b, k)
                        {
                            let (o, b) = (o.to_string(), b.clone());
                            deviating = true;
                            self.findings.push(Finding::at_item(
                                "QD202",
                                item,
                                Some(field),
                                Msg::DiffersFromBase { field, ours: o, base: b },
                            ));
                        }
                    }
                    for (i, field) in UNIFORM_FIELDS.iter().enumerate() {
                        if let Some((fp, standard)) = &base.standard[i]
                            && prepared.present[i]
                            && prepared.fingerprints[i] != *fp
                        {
                            deviating = true;
                            let ours =
                                prepared.variants[i].as_ref().map(Pending::shown).or_else(|| item.display(*field)).unwrap_or_default();
                            self.findings.push(Finding::at_item(
                                "QD202",
                                item,
                                Some(*field),
                                Msg::DiffersFromBase { field: *field, ours, base: standard.clone() },
                            ));
                        }
                    }
                    if let Some(level) = item.single_level()
                        && !base.levels.is_empty()
                        && !base.levels.contains(&level)
                    {
                        deviating = true;
                        let base_levels = base.levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("、");
                        self.findings.push(Finding::at_item(
                            "QD203",
                            item,
                            Some(Field::Level),
                            Msg::LevelNotInBase { level: level.to_string(), base_levels },
                        ));
                    }
                }
            }
        }
        let Some(jid) = jid else { return };
        // A jurisdiction may list one base item several times (业务办理项): each one's deviation
        // counts, the first one stands for the jurisdiction among its siblings.
        let code_id = self.codes.id(&code);
        match self.claimed.get_mut(&(code_id, jid)) {
            Some(d) => {
                *d |= deviating;
                return;
            }
            None => {
                self.claimed.insert((code_id, jid), deviating);
            }
        }
        // Sibling fingerprint (first item per jurisdiction and code).
        let j = &self.jurisdictions[jid as usize];
        let Some(parent) = division_parent(&j.code) else { return };
        let level = j.level;
        let fingerprints = prepared.fingerprints;
        for (i, f) in UNIFORM_FIELDS.iter().enumerate() {
            // The value shown for a variant is kept (or built) only the first time it is seen.
            if let std::collections::hash_map::Entry::Vacant(e) = self.variants.entry((*f, fingerprints[i]))
                && let Some(v) = prepared.variants[i].take().map(Pending::into_variant).or_else(|| variant(item, *f))
            {
                e.insert(v);
            }
        }
        let parent = self.parents.id(&parent);
        let at = self.item_at(&item.provenance);
        let label = item.label().map(Box::from);
        self.groups.entry((code_id, parent, level)).or_default().push(Member { jurisdiction: jid, fingerprints, at, label });
    }

    /// Where an item came from, with its table interned.
    fn item_at(&mut self, p: &Provenance) -> ItemAt {
        let key = (
            Arc::as_ptr(&p.file) as *const u8 as usize,
            p.sheet.as_ref().map_or(0, |s| Arc::as_ptr(s) as *const u8 as usize),
            Arc::as_ptr(&p.fields) as usize,
            p.form,
        );
        let table = match self.table_ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.tables.len() as u32;
                self.tables.push(TableOf { file: p.file.clone(), sheet: p.sheet.clone(), fields: p.fields.clone(), form: p.form });
                self.table_ids.insert(key, id);
                id
            }
        };
        ItemAt { table, row: p.row }
    }

    /// The provenance of an item from where it came from.
    fn provenance(&self, at: ItemAt) -> Provenance {
        let t = &self.tables[at.table as usize];
        Provenance { file: t.file.clone(), sheet: t.sheet.clone(), row: at.row, fields: t.fields.clone(), form: t.form }
    }

    fn jurisdiction_id(&mut self, code: &str, file: &Arc<str>, counted: bool) -> u32 {
        let add = usize::from(counted);
        if let Some(id) = self.jurisdiction_ids.get(code) {
            self.jurisdictions[*id as usize].items += add;
            return *id;
        }
        let id = self.jurisdictions.len() as u32;
        self.jurisdictions.push(Jurisdiction { code: code.to_string(), level: division_level(code), first_file: file.clone(), items: add });
        self.jurisdiction_ids.insert(code.to_string(), id);
        id
    }

    /// The cross-level findings and the matrix (None when no base catalog was read).
    pub fn finish(mut self, policy: &Policy) -> (Vec<Finding>, Option<Matrix>) {
        if self.base.is_empty() {
            if self.implementation_items > 0 {
                let named = self.base_named.clone();
                self.findings.push(Finding::at_file("QD200", "", None, Msg::NoBaseCatalog { named }));
                if let Some(f) = self.findings.last_mut() {
                    f.location.file = None;
                }
            }
            self.uniformity(policy);
            return (self.findings, None);
        }
        if !policy.is_off("QD204") {
            self.missing_claims();
        }
        self.uniformity(policy);
        let claimed = |code: &str, jid: u32| self.codes.find(code).and_then(|c| self.claimed.get(&(c, jid)).copied());
        let matrix = matrix::build(&self.base_order, &self.base, &self.jurisdictions, &claimed, &self.names);
        (self.findings, Some(matrix))
    }

    fn missing_claims(&mut self) {
        for code in &self.base_order {
            let base = &self.base[code];
            for (jid, j) in self.jurisdictions.iter().enumerate() {
                let Some(level) = j.level else { continue };
                if !base.levels.contains(&level) || self.codes.find(code).is_some_and(|c| self.claimed.contains_key(&(c, jid as u32))) {
                    continue;
                }
                let f = Finding {
                    rule: "QD204",
                    severity: crate::rules::registry::default_severity("QD204"),
                    field: Some(Field::BasicCode),
                    message: Msg::ClaimMissing {
                        code: code.clone(),
                        name: base.name.clone().unwrap_or_default(),
                        level: level.to_string(),
                        jurisdiction: self.jurisdiction_name(&j.code),
                    },
                    location: Location::file(&j.first_file),
                    item: Some(code.clone()),
                    jurisdiction: Some(j.code.clone()),
                    value: None,
                    names: Some(Box::new(crate::finding::ItemNames {
                        name: base.name.clone(),
                        basic_code: Some(code.clone()),
                        impl_code: None,
                    })),
                };
                self.findings.push(f);
            }
        }
    }

    fn uniformity(&mut self, policy: &Policy) {
        if policy.is_off("QD205") {
            return;
        }
        let mut keys: Vec<_> = self.groups.keys().copied().collect();
        // In the order of the codes themselves (numbers are given in reading order).
        keys.sort_by(|a, b| (self.codes.get(a.0), self.parents.get(a.1), a.2).cmp(&(self.codes.get(b.0), self.parents.get(b.1), b.2)));
        for key in keys {
            let members = &self.groups[&key];
            if members.len() < 2 {
                continue;
            }
            let code = self.codes.get(key.0);
            let base = self.base.get(code);
            for (i, field) in UNIFORM_FIELDS.iter().enumerate() {
                // Where the base catalog carries the element, it is the standard (QD202 on arrival).
                if base.is_some_and(|b| b.standard[i].is_some()) {
                    continue;
                }
                let mut counts: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
                for m in members {
                    counts.entry(m.fingerprints[i]).or_default().push(m.jurisdiction);
                }
                if counts.len() < 2 {
                    continue;
                }
                let mut ranked: Vec<(u64, Vec<u32>)> = counts.into_iter().collect();
                // Most jurisdictions first; ties in a stable order (the first jurisdiction read).
                ranked.sort_by_key(|(_, js)| (std::cmp::Reverse(js.len()), js.iter().min().copied()));
                let majority = ranked[0].1.len() > ranked[1].1.len() && members.len() >= 3;
                for m in members {
                    let own = m.fingerprints[i];
                    // Against a strict majority, only the deviating members are reported; with no
                    // majority (two siblings, or a tie), every member names the most common other
                    // variant: two answers to one item is what 无差别受理 forbids.
                    let other = if majority {
                        if own == ranked[0].0 {
                            continue;
                        }
                        &ranked[0]
                    } else {
                        match ranked.iter().find(|(fp, _)| *fp != own) {
                            Some(r) => r,
                            None => continue,
                        }
                    };
                    let finding = self.uniformity_finding(code, *field, m, own, other, majority);
                    self.findings.push(finding);
                    if let Some(c) = self.claimed.get_mut(&(key.0, m.jurisdiction)) {
                        *c = true;
                    }
                }
            }
        }
    }

    /// The QD205 finding of member `m` whose `field` has fingerprint `own`, against the variant
    /// `other` held by its jurisdictions (a majority, or the one other sibling).
    fn uniformity_finding(&self, code: &str, field: Field, m: &Member, own: u64, other: &(u64, Vec<u32>), majority: bool) -> Finding {
        let mut other_codes: Vec<&str> = other.1.iter().map(|j| self.jurisdictions[*j as usize].code.as_str()).collect();
        other_codes.sort_unstable();
        let others = other_codes.iter().map(|c| self.jurisdiction_name(c)).collect::<Vec<_>>().join("、");
        let ours = self.variants.get(&(field, own));
        let theirs = self.variants.get(&(field, other.0));
        let message = match field {
            Field::Materials => {
                let empty = BTreeMap::new();
                let names = |v: Option<&Variant>| match v {
                    Some(Variant::Materials(m)) => m.clone(),
                    _ => empty.clone(),
                };
                let (o, t) = (names(ours), names(theirs));
                let ok: BTreeSet<&String> = o.keys().collect();
                let tk: BTreeSet<&String> = t.keys().collect();
                let extra: Vec<String> = ok.difference(&tk).map(|k| o[*k].clone()).collect();
                let missing: Vec<String> = tk.difference(&ok).map(|k| t[*k].clone()).collect();
                if majority {
                    Msg::MaterialsNotUniform { code: code.to_string(), extra, missing, majority_jurisdictions: others }
                } else {
                    Msg::SiblingMaterialsDiffer { code: code.to_string(), extra, missing, other: others }
                }
            }
            _ => {
                let text = |v: Option<&Variant>| v.map(Variant::shown).unwrap_or_else(|| "（空）".to_string());
                if majority {
                    Msg::NotUniform {
                        code: code.to_string(),
                        field,
                        ours: text(ours),
                        majority: text(theirs),
                        majority_jurisdictions: others,
                    }
                } else {
                    Msg::SiblingsDiffer { code: code.to_string(), field, ours: text(ours), theirs: text(theirs), other: others }
                }
            }
        };
        let j = &self.jurisdictions[m.jurisdiction as usize];
        Finding {
            rule: "QD205",
            severity: crate::rules::registry::default_severity("QD205"),
            field: Some(field),
            message,
            location: Location::of_provenance(&self.provenance(m.at), Some(field)),
            item: m.label.as_deref().map(str::to_string),
            jurisdiction: Some(j.code.clone()),
            value: None,
            names: None,
        }
    }
}
