//! One catalog view for publication: a 办事指南 form and a list row for the same 实施编码 are
//! two documents of one item. `check` compares them (QD207); `export`, `stats` and `diff` see
//! the item once: the list row, with elements only the guide gives filled in from it.

use std::collections::HashMap;

use super::item::Item;

/// Merges guide items into the list rows with the same impl_code; unmatched guides are kept.
/// Works in place (guides are few; the list is not copied), order preserved.
pub fn merge_guides(mut items: Vec<Item>) -> Vec<Item> {
    let mut list_index: HashMap<&str, usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if !it.provenance.form
            && let Some(code) = &it.impl_code
        {
            list_index.entry(code.as_str()).or_insert(i);
        }
    }
    // (list row, guide) pairs.
    let fills: Vec<(usize, usize)> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.provenance.form)
        .filter_map(|(g, it)| Some((*list_index.get(it.impl_code.as_deref()?)?, g)))
        .collect();
    if fills.is_empty() {
        return items;
    }
    for &(t, g) in &fills {
        let guide = items[g].clone();
        fill_absent(&mut items[t], &guide);
    }
    let merged: std::collections::HashSet<usize> = fills.iter().map(|f| f.1).collect();
    let mut index = 0;
    items.retain(|_| {
        let keep = !merged.contains(&index);
        index += 1;
        keep
    });
    items
}

/// Copies into `list` every canonical element it lacks and `guide` has.
fn fill_absent(list: &mut Item, guide: &Item) {
    let (Ok(serde_json::Value::Object(mut l)), Ok(serde_json::Value::Object(g))) =
        (serde_json::to_value(&*list), serde_json::to_value(guide))
    else {
        return;
    };
    for (k, v) in g {
        if k != "provenance" && k != "extra" && !l.contains_key(&k) {
            l.insert(k, v);
        }
    }
    if let Ok(merged) = serde_json::from_value::<Item>(serde_json::Value::Object(l)) {
        let provenance = std::mem::take(&mut list.provenance);
        *list = Item { provenance, ..merged };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_fills_the_list_row_and_disappears() {
        let mut list = Item { impl_code: Some("A".into()), name: Some("甲".into()), ..Default::default() };
        list.provenance.row = 5;
        let mut guide = Item {
            impl_code: Some("A".into()),
            name: Some("甲（指南）".into()),
            audit_points: Some("核验原件".into()),
            ..Default::default()
        };
        guide.provenance.form = true;
        let lone = Item { impl_code: Some("B".into()), provenance: guide.provenance.clone(), ..Default::default() };
        let out = merge_guides(vec![guide, list, lone]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].name.as_deref(), Some("甲"), "the list row wins");
        assert_eq!(out[0].audit_points.as_deref(), Some("核验原件"));
        assert_eq!(out[0].provenance.row, 5);
        assert_eq!(out[1].impl_code.as_deref(), Some("B"));
    }
}
