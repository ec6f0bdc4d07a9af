use std::collections::BTreeMap;
use std::path::Path;

use super::*;

/// The files of an index by path.
fn file_map(index: &Index) -> BTreeMap<String, Vec<u8>> {
    index.files().into_iter().collect()
}

fn parse(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("the index file is JSON")
}

/// What the browser does (search.js), on the written files: fold the query,
/// fetch the shards of its words (the last one also as a prefix), leave out
/// common words when a word is rarer (or keep the two rarest when all are
/// common), intersect, rank by BM25 (see [`term_score`]) then id. The
/// phrase step of search.js (phrase matches first) is left out.
/// Returns the ranked document ids and the paths fetched.
fn query(files: &BTreeMap<String, Vec<u8>>, q: &str) -> (Vec<u32>, Vec<String>) {
    let mut fetched = vec!["search/meta.json".to_string()];
    let mut fetch = |path: String| -> Option<serde_json::Value> {
        if !fetched.contains(&path) {
            fetched.push(path.clone());
        }
        files.get(&path).map(|b| parse(b))
    };
    let meta = parse(&files["search/meta.json"]);
    let split: Vec<String> = meta["split"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let all = words(q);
    let last = all.len().saturating_sub(1);
    // Each query word: its matching entries (word, postings or count).
    let mut matched: Vec<Vec<(String, serde_json::Value)>> = Vec::new();
    for (i, w) in all.iter().enumerate() {
        let key = shard_key(w, &split);
        let prefix = i == last && key.chars().count() <= w.chars().count();
        let shard = fetch(format!("search/t/{}.json", key_file(&key)));
        let entries = shard
            .as_ref()
            .and_then(|s| s.as_object())
            .map(|o| {
                o.iter()
                    .filter(|(word, _)| *word == w || (prefix && word.starts_with(w.as_str())))
                    .map(|(word, v)| (word.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        matched.push(entries);
    }
    if matched.is_empty() || matched.iter().any(Vec::is_empty) {
        return (Vec::new(), fetched);
    }
    let is_common = |m: &Vec<(String, serde_json::Value)>| m.iter().any(|(_, v)| v.is_number());
    let all_common = matched.iter().all(is_common);
    let mut kept: Vec<(&Vec<(String, serde_json::Value)>, &String)> = matched
        .iter()
        .zip(&all)
        .filter(|(m, _)| all_common || !is_common(m))
        .collect();
    if all_common {
        let docs = |m: &Vec<(String, serde_json::Value)>| -> u64 {
            m.iter()
                .map(|(_, v)| {
                    v.as_u64()
                        .unwrap_or_else(|| v.as_array().map_or(0, |a| a.len() as u64))
                })
                .sum()
        };
        kept.sort_by_key(|(m, _)| docs(m));
        kept.truncate(2);
    }
    let n = meta["docs"].as_u64().unwrap_or(0) as f64;
    let mut scores: Option<BTreeMap<u32, f64>> = None;
    for (m, w) in kept {
        let mut found: BTreeMap<u32, f64> = BTreeMap::new();
        for (word, v) in m {
            let exact = if word == w { 1.0 } else { PREFIX_WEIGHT };
            let postings = if v.is_number() {
                fetch(format!("search/w/{}.json", key_file(word))).unwrap()
            } else {
                v.clone()
            };
            let mut doc = 0;
            for v in postings.as_array().unwrap() {
                let v = v.as_u64().unwrap();
                doc += (v / 8) as u32;
                let e = found.entry(doc).or_default();
                *e = e.max(term_score(v % 8) * exact);
            }
        }
        let weight = idf(n.max(found.len() as f64), found.len() as f64);
        scores = Some(match scores {
            None => found.into_iter().map(|(d, f)| (d, weight * f)).collect(),
            Some(prev) => prev
                .into_iter()
                .filter_map(|(d, s)| found.get(&d).map(|f| (d, s + weight * f)))
                .collect(),
        });
    }
    let mut ranked: Vec<(u32, f64)> = scores.unwrap_or_default().into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let ids: Vec<u32> = ranked.iter().map(|&(d, _)| d).collect();
    for &d in ids.iter().take(10) {
        fetch(format!("search/d/{}.json", d as usize / BLOCK));
    }
    (ids, fetched)
}

/// search.js's ranking constants and functions, the same numbers.
const K1: f64 = 1.2;
const TITLE_BOOST: f64 = 1.5;
const PREFIX_WEIGHT: f64 = 0.7;

/// A posting's weight (count capped at 3, plus 4 in the title) as BM25's
/// saturated term frequency plus the title boost.
fn term_score(weight: u64) -> f64 {
    let tf = (weight % 4) as f64;
    let title = if weight >= 4 { TITLE_BOOST } else { 0.0 };
    let saturated = if tf > 0.0 {
        tf * (K1 + 1.0) / (tf + K1)
    } else {
        0.0
    };
    saturated + title
}

fn idf(n: f64, df: f64) -> f64 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn doc(title: &str, text: &str) -> Doc {
    Doc {
        title: title.to_owned(),
        level: String::new(),
        url: format!("{}.html", vi::slugify(title)),
        public: true,
        passages: vec![text.to_owned()],
    }
}

#[test]
fn ranking_weighs_rare_words_and_titles_over_common_words() {
    // Every unit's name holds "Đảng": that word barely ranks; "viên" does.
    let docs = vec![
        doc("Đảng bộ xã An", "Đảng bộ xã có 120 đảng viên."),
        doc(
            "Đảng bộ xã Bình",
            "Đảng bộ xã hoàn thành nhiệm vụ, đảng bộ vững mạnh.",
        ),
        doc("Kết nạp đảng viên mới", "Đảng bộ kết nạp 30 người."),
        doc("Đảng bộ xã Cường", "Đảng bộ đạt chỉ tiêu."),
        doc(
            "Đảng bộ phường Đông",
            "Đảng bộ phường có viên chức và đảng viên, đảng viên trẻ.",
        ),
        // The same summed weights (a tie under a plain sum, the lower id
        // first); "đảng" is everywhere, "viên" rarer: the second wins.
        doc("Đảng bộ Đảng", "Đảng đảng đảng viên."),
        doc("Viên chức", "Đảng viên viên viên."),
    ];
    let index = Index::build(docs, false);
    let files = file_map(&index);
    let (ids, _) = query(&files, "dang vien");
    let at = |d: u32| ids.iter().position(|&x| x == d);
    // The documents that never hold "viên" are not found at all.
    assert_eq!(ids.len(), 5, "{ids:?}");
    // Both words in the title rank above one word in the text.
    assert!(at(2) < at(0), "{ids:?}");
    // The rarer word weighs more than the common one.
    assert!(at(6) < at(5), "{ids:?}");
    // A word counted more often ranks higher (within the cap).
    assert!(at(4) < at(0), "{ids:?}");
    // The title boost alone, for a common word, is small next to a rarer word.
    assert!(term_score(4) > term_score(1));
    assert!(idf(100.0, 99.0) * (term_score(7)) < idf(100.0, 3.0) * term_score(1));
}

/// A fixture site through the layers below search: load, model and the
/// highlights (what `build::check` runs, which lies above search).
fn fixture_site(root: &Path) -> Site {
    let today = jiff::civil::date(2023, 9, 15);
    let mut sources = crate::diag::Sources::default();
    let mut diags = crate::diag::Diagnostics::default();
    let mut source =
        crate::load::load_site(root, None, 0, &mut sources, &mut diags).expect("the fixture loads");
    let highlights = std::mem::take(&mut source.highlights);
    let no_check = |_: &crate::model::Unit, _, _: &str, _: &mut crate::diag::Diagnostics| {};
    let mut site = crate::model::resolve(source, &mut sources, &mut diags, today, false, &no_check);
    let known = crate::highlight::Known {
        units: &site.units,
        catalogue: &site.catalogue,
        folders: &[],
    };
    site.highlights = crate::highlight::resolve(
        &highlights,
        known,
        &sources,
        &mut diags,
        today,
        site.config.language,
    );
    assert!(!diags.has_errors(), "{}", diags.render(&sources));
    site
}

fn minimal() -> (Index, Vec<Doc>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    let site = fixture_site(&root);
    let strings = Strings::new(site.config.language);
    let docs = documents(&site, &strings);
    (Index::build(docs.clone(), false), docs)
}

#[test]
fn words_fold_real_names() {
    assert_eq!(words("Đảng bộ Khối"), ["dang", "bo", "khoi"]);
    assert_eq!(words("ĐẢNG ỦY"), ["dang", "uy"]);
    // Old and new tone placement, precomposed and decomposed.
    assert_eq!(words("Hòa Bình"), ["hoa", "binh"]);
    assert_eq!(words("Hoà Bình"), ["hoa", "binh"]);
    assert_eq!(words("Ho\u{0300}a Bi\u{0300}nh"), ["hoa", "binh"]);
    // Two villages that differ only by a tone fold to the same words.
    assert_eq!(words("Bản Giang"), words("Bản Giàng"));
    assert_eq!(words("Bản Giàng"), ["ban", "giang"]);
    // Punctuation separates words; figures are words.
    assert_eq!(
        words("I- BỐI CẢNH (30/6/2023), 99,2%"),
        ["i", "boi", "canh", "30", "6", "2023", "99", "2"]
    );
    assert_eq!(words("  "), Vec::<String>::new());
}

#[test]
fn report_html_becomes_plain_text() {
    let html = "<h2 id=\"x\">I- BỐI CẢNH <a class=\"anchor\" href=\"#x\" aria-label=\"L\">#</a></h2>\n\
                <p>Có 71 tổ chức &amp; 3322 đảng viên.<sup class=\"fnref\"><a href=\"#fn-1\">1</a></sup></p>\n\
                <p>Chú thích. <a href=\"#r\" class=\"fnback\" role=\"doc-backlink\">↩</a></p>";
    let text = html_text(html);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "I- BỐI CẢNH",
            "Có 71 tổ chức & 3322 đảng viên.",
            "Chú thích."
        ]
    );
}

#[test]
fn shard_keys() {
    assert_eq!(shard_key("dang", &[]), "da");
    assert_eq!(shard_key("d", &[]), "d");
    assert_eq!(shard_key("nguyen", &["ng".to_string()]), "ngu");
    assert_eq!(shard_key("ng", &["ng".to_string()]), "ng");
    assert_eq!(key_file("da"), "da");
    assert_eq!(key_file("ж"), "_436");
    assert_eq!(key_file("a_"), "a_5f");
}

#[test]
fn the_minimal_site_is_indexed() {
    let (index, docs) = minimal();
    let titles: Vec<&str> = docs.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh",
            "Đảng bộ tỉnh Thử",
            "Đảng bộ xã Bản Giang",
            "Kết nạp 100 đảng viên trở lên mỗi năm",
        ]
    );
    let khoi = &docs[0];
    assert_eq!(khoi.level, "Cấp huyện và tương đương");
    assert_eq!(khoi.url, "units/dang-bo-khoi.html");
    assert_eq!(docs[3].url, "indicators/ket-nap.html");
    assert_eq!(docs[3].level, "Chỉ tiêu");
    // The short name, indicator descriptions and the report's text (without
    // its anchors and footnote marks, with its footnotes) are passages.
    for needle in [
        "Đảng bộ Khối",
        "1. Trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ chính trị",
        "I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT",
        "Tính đến 30/6/2023 Đảng bộ Khối có 71 tổ chức cơ sở đảng với 3322 đảng viên.",
        "Trong đó 38 đảng bộ cơ sở, 33 chi bộ cơ sở.",
    ] {
        assert!(
            khoi.passages.iter().any(|p| p == needle),
            "no passage {needle:?} in {:?}",
            khoi.passages
        );
    }
    assert!(
        !khoi
            .passages
            .iter()
            .any(|p| p.contains('↩') || p.contains('#'))
    );
    // Words: "khoi" is in the title of the district and in no other document;
    // "quyet" only in its report.
    let post = |w: &str| -> Vec<(u32, u8)> {
        index.terms[w]
            .iter()
            .map(|p| (p.doc(), p.weight()))
            .collect()
    };
    assert_eq!(post("khoi"), [(0, 4 + 3)]);
    assert_eq!(post("quyet"), [(0, 1)], "{:?}", khoi.passages);
    assert_eq!(post("giang"), [(2, 5)]);
    assert_eq!(post("nap")[..1], [(0, 1)]);
    assert_eq!(post("nap").last(), Some(&(3, 5)));
    assert!(!index.terms.contains_key("đảng"));
}

#[test]
fn queries_on_the_written_files() {
    let (index, _) = minimal();
    let files = file_map(&index);
    assert_eq!(parse(&files["search/meta.json"])["docs"], 4);
    // The district's title holds both words and "khoi": it comes first.
    let (ids, fetched) = query(&files, "dang bo khoi");
    assert_eq!(ids, [0]);
    assert_eq!(
        fetched,
        [
            "search/meta.json",
            "search/t/da.json",
            "search/t/bo.json",
            "search/t/kh.json",
            "search/d/0.json"
        ]
    );
    // Typed with diacritics, in capitals, or half typed.
    assert_eq!(query(&files, "ĐẢNG BỘ KHỐI").0, [0]);
    assert_eq!(query(&files, "dang bo kh").0, [0]);
    assert_eq!(query(&files, "ban giàng").0, [2]);
    assert_eq!(query(&files, "nghi quyet").0, [0]);
    assert!(query(&files, "hoa binh").0.is_empty());
    let block = parse(&files["search/d/0.json"]);
    assert_eq!(block[0][0], "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh");
    assert_eq!(block[0][1], "Cấp huyện và tương đương");
    assert_eq!(block[0][2], "units/dang-bo-khoi.html");
}

#[test]
fn the_site_index_is_the_index_of_the_site_documents() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public");
    let site = fixture_site(&root);
    assert!(!site.highlights.is_empty() && !site.catalogue.is_empty());
    let strings = Strings::new(site.config.language);
    let streamed = site_index(&site, &strings, true, None);
    let whole = Index::build(documents(&site, &strings), false);
    assert_eq!(
        streamed.docs.len(),
        site.units.len() + site.catalogue.len() + site.highlights.len()
    );
    assert_eq!(file_map(&streamed), file_map(&whole));
    // A build's index, made without the documents' words, has the same files.
    let wordless = site_index(&site, &strings, false, None);
    assert!(wordless.docs.iter().all(|d| d.words == Words::default()));
    assert_eq!(file_map(&wordless), file_map(&whole));
}

#[test]
fn the_same_documents_give_the_same_bytes() {
    let (a, docs) = minimal();
    let b = Index::build(docs, false);
    assert_eq!(a.files(), b.files());
}

#[test]
fn writing_the_files_stops_at_the_first_error() {
    let (index, _) = minimal();
    let all = index.files();
    assert!(all.len() > 3);
    let mut seen = Vec::new();
    let result = index.write_files(|path, _| {
        if seen.len() == 2 {
            return Err(format!("cannot write {path}"));
        }
        seen.push(path);
        Ok(())
    });
    assert_eq!(result, Err(format!("cannot write {}", all[2].0)));
    assert_eq!(seen, [all[0].0.clone(), all[1].0.clone()]);
}

#[test]
fn a_public_index_leaves_out_what_is_not_public() {
    let (_, mut docs) = minimal();
    docs[0].public = false;
    let public = Index::build(docs.clone(), true);
    assert_eq!(public.docs.len(), 3);
    assert!(!public.terms.contains_key("khoi"));
    assert_eq!(Index::build(docs, false).docs.len(), 4);
}

/// Syllables of place names: "Hòa Bình", "Bản Giàng", "Tân Phú"…
const PLACE_A: &[&str] = &[
    "Hòa", "Bản", "Tân", "An", "Phúc", "Đông", "Nghĩa", "Quỳnh", "Yên", "Thạch", "Cẩm", "Kỳ",
    "Hương", "Đức", "Nam", "Thanh", "Diễn", "Đô", "Hưng", "Xuân", "Vĩnh", "Long", "Mỹ", "Hải",
    "Sơn", "Trung", "Phú", "Lạc", "Minh", "Gia",
];
const PLACE_B: &[&str] = &[
    "Bình", "Giàng", "Phú", "Khánh", "Thọ", "Hưng", "Đàn", "Lưu", "Thành", "Hà", "Xuyên", "Anh",
    "Sơn", "Chương", "Châu", "Lương", "Nguyên", "Lộc", "Thịnh", "Tiến", "Lợi", "Điền", "Quang",
    "Trạch", "Mỹ", "Hiệp", "Tây", "Lâm", "Cường", "Kiều",
];
const FIRST: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const SENTENCES: &[&str] = &[
    "Công tác xây dựng Đảng được quan tâm, chất lượng sinh hoạt chi bộ được nâng lên.",
    "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ đạt trên 90%.",
    "Kết nạp đảng viên mới vượt chỉ tiêu nghị quyết đề ra.",
    "Thu nhập bình quân đầu người tăng so với đầu nhiệm kỳ.",
    "Công tác kiểm tra, giám sát được thực hiện theo kế hoạch.",
    "Tỷ lệ hộ nghèo giảm còn dưới 3%.",
];

/// A generated site of `n` units: names built from real place names and
/// surnames, a few indicators and a report of a few paragraphs each.
pub(crate) fn synthetic(n: usize) -> Vec<Doc> {
    (0..n)
        .map(|i| {
            let place = |k: usize| {
                format!(
                    "{} {}",
                    PLACE_A[k % PLACE_A.len()],
                    PLACE_B[(k / PLACE_A.len()) % PLACE_B.len()]
                )
            };
            let person = FIRST[(i / 7) % FIRST.len()];
            let kind = [
                "Đảng bộ xã",
                "Chi bộ thôn",
                "Đảng bộ phường",
                "Chi bộ trường",
            ][i % 4];
            let mut passages: Vec<String> = (0..6)
                .map(|k| format!("{}. {}", k + 1, SENTENCES[(i + k) % SENTENCES.len()]))
                .collect();
            for p in 0..4 {
                passages.push(format!(
                    "Đồng chí {person} Văn {i} báo cáo: {} Thôn {} số {}.",
                    SENTENCES[(i * 7 + p) % SENTENCES.len()],
                    place(i * 31 + p * 7919),
                    i * 13 + p
                ));
            }
            Doc {
                title: format!("{kind} {} {i}", place(i)),
                level: "Cấp cơ sở".into(),
                url: format!("units/u{i}.html"),
                public: true,
                passages,
            }
        })
        .collect()
}

/// The bytes of the files a query fetches.
fn fetched_bytes(files: &BTreeMap<String, Vec<u8>>, fetched: &[String]) -> usize {
    fetched
        .iter()
        .map(|p| files.get(p).map_or(0, Vec::len))
        .sum()
}

#[test]
fn a_large_site_keeps_queries_small() {
    let files = file_map(&Index::build(synthetic(3_000), false));
    let largest = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/t/"))
        .map(|(_, b)| b.len())
        .max()
        .unwrap_or(0);
    assert!(largest <= MAX_SHARD, "largest shard {largest} bytes");
    let block = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/d/"))
        .map(|(_, b)| b.len())
        .max()
        .unwrap_or(0);
    assert!(block < 80_000, "largest document block {block} bytes");
    for q in [
        "dang bo hoa binh",
        "hoa binh",
        "nguyen van 42",
        "kiem tra giam sat",
    ] {
        let (ids, fetched) = query(&files, q);
        assert!(!ids.is_empty(), "{q}: no result");
        let bytes = fetched_bytes(&files, &fetched);
        assert!(bytes < 300_000, "{q}: {bytes} bytes in {fetched:?}");
    }
    // "dang" and "bo" are in every unit: their postings have files of their
    // own, which a query with a rarer word does not fetch.
    assert!(files.contains_key("search/w/dang.json"));
    let (ids, fetched) = query(&files, "dang bo hoa binh");
    assert!(
        !fetched.iter().any(|p| p.starts_with("search/w/")),
        "{fetched:?}"
    );
    assert!(ids.len() < 3_000);
    let (ids, fetched) = query(&files, "dang bo");
    assert!(fetched.contains(&"search/w/dang.json".to_string()));
    assert_eq!(ids.len(), 3_000);
    // A unit found by its number in the title ranks first.
    let (ids, _) = query(&files, "xa hoa binh 900");
    assert_eq!(ids[0], 900);
}

/// The figures of a 60,000-unit generated site (not part of the suite:
/// `cargo test --release -- --ignored --nocapture large_site_figures`).
#[test]
#[ignore]
fn large_site_figures() {
    let n = 60_000;
    let started = std::time::Instant::now();
    let index = Index::build(synthetic(n), false);
    let files = file_map(&index);
    let elapsed = started.elapsed();
    let total: usize = files.values().map(Vec::len).sum();
    let shards = files.keys().filter(|p| p.starts_with("search/t/")).count();
    let largest = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/t/"))
        .map(|(p, b)| (b.len(), p.clone()))
        .max();
    println!(
        "{n} units: index in {elapsed:?}, {} files, {total} bytes, {shards} shards, largest {largest:?}",
        files.len()
    );
    for q in [
        "dang bo hoa binh",
        "hoa binh",
        "nguyen van 42",
        "kiem tra giam sat",
        "ban giang 30",
    ] {
        let (ids, fetched) = query(&files, q);
        println!(
            "{q:?}: {} results, {} bytes fetched in {} files",
            ids.len(),
            fetched_bytes(&files, &fetched),
            fetched.len()
        );
    }
}

/// Applies index file changes to a map of files.
fn apply(files: &mut BTreeMap<String, Vec<u8>>, changes: Vec<FileChange>) {
    for change in changes {
        match change {
            FileChange::Write(path, bytes) => {
                files.insert(path, bytes);
            }
            FileChange::Remove(path) => {
                files.remove(&path);
            }
        }
    }
}

/// Replacing documents one by one gives the files of an index built afresh
/// from the new documents: words appear and disappear, weights and titles
/// change, a group grows past the split size and shrinks back, a word
/// becomes common and rare again.
#[test]
fn replacing_documents_gives_the_files_of_a_fresh_index() {
    let mut docs = synthetic(600);
    let mut index = Index::build(docs.clone(), false);
    let mut files = file_map(&index);
    let filler: String = (0..10_000).map(|k| format!("zq{k} ")).collect();
    type Edit = (usize, Box<dyn Fn(&mut Doc)>);
    let edits: Vec<Edit> = vec![
        (3, Box::new(|d| d.passages[0].push_str(" Hòa Bình mới"))),
        (3, Box::new(|d| d.passages.truncate(2))),
        (17, Box::new(|d| d.title = "Đảng bộ xã Bản Giàng 17".into())),
        // A new group, large enough to be split by three letters.
        (40, Box::new(move |d| d.passages.push(filler.clone()))),
        (40, Box::new(|d| d.passages.pop().map(drop).unwrap_or(()))),
        // A word of every document leaves one of them, and comes back.
        (599, Box::new(|d| d.passages.clear())),
        (
            0,
            Box::new(|d| d.passages = vec!["dang bo dang bo dang bo".into()]),
        ),
        (
            599,
            Box::new(|d| d.passages.push("Báo cáo kiểm tra".into())),
        ),
    ];
    for (step, (id, edit)) in edits.into_iter().enumerate() {
        edit(&mut docs[id]);
        apply(&mut files, index.replace(id, docs[id].clone()));
        let fresh = file_map(&Index::build(docs.clone(), false));
        let differing: Vec<&String> = fresh
            .keys()
            .chain(files.keys())
            .filter(|p| fresh.get(*p) != files.get(*p))
            .collect();
        assert!(differing.is_empty(), "step {step}: {differing:?} differ");
        let split = parse(&files["search/meta.json"])["split"]
            .as_array()
            .map_or(0, Vec::len);
        // The filler's group is split while it is there, and only then.
        assert_eq!(split > 0, step == 3, "step {step}: {split} split groups");
    }
}

/// Markdown that exercises every kind of block and inline the reports use,
/// and the corners of the former HTML scraper: entities, raw HTML, images,
/// footnotes inside lists and images, links named like back-links.
const TRICKY_REPORTS: &[&str] = &[
    "# Tiêu đề `mã` *nghiêng*\n\nĐoạn một\ndòng hai  \ndòng ba\\\ndòng bốn.\n",
    "Có 71 tổ chức &amp; 3322 &lt;đảng viên&gt; \"x\" 'y' &nbsp; \\&nbsp; &#39; \\&amp;lt;.",
    "<div class=\"x\">khối HTML</div>\n\nĐoạn <b>in</b> <!-- chú --> sau.\n\n<script>alert(1)</script>",
    "- một\n- hai\n  - hai một\n  - hai hai\n- ba\n\n1. a\n\n2. b\n\n   tiếp\n",
    "> trích dẫn\n> dòng hai\n>\n> > lồng\n\n---\n\n```rust\nfn a() {}\n\n// <x> & y\n```\n\n    thụt lề\n    hai\n",
    "| Cột A | Cột **B** |\n|:--|--:|\n| 1 | 2,5% |\n| `x` | [l](http://a) |\n\nSau bảng.\n\n| một |\n|---|\n| hai |\n",
    "Ảnh ![mô tả *đậm* `c` [^a]](a.png \"tên\") và [liên kết ![ảnh](b.png)](x.html).\n\n[^a]: Chú.\n",
    "Xem [trang](fnback.html), [khác](a.html \"fnback\") và <https://fnback.vn> và <a@b.vn>.",
    "Câu[^1] và[^2] lại[^1].\n\n[^1]: Một, có [liên kết](#x).\n\n[^2]: Hai:\n\n    - danh sách\n    - mục\n\n## Mục {.public}\n\nĐoạn ~~gạch~~ **đậm**.\n",
    "Chú thích trong chú thích[^a].\n\n[^a]: Xem[^b].\n[^b]: Cuối\n\n  > trích\n",
    "## A\n### A\n#### \n\nText[^khong] [^]\n\n\\[^x]\n",
    "javascript [x](javascript:alert(1)) ![y](data:text/html,z) [^n]\n\n[^n]: ![](a.png)\n",
    "\u{00A0}đầu\u{2003}giữa\tcuối\r\ndòng CRLF\r\n\r\n* a\r\n",
];

/// The passages of `text`, each single-spaced (past the excerpt's bytes
/// `push_text` keeps them as written).
fn passages(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    push_text(&mut out, text);
    out.iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_reports_text_gives_the_passages_its_html_gave() {
    let mut sources: Vec<String> = TRICKY_REPORTS.iter().map(|s| s.to_string()).collect();
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/units");
    for entry in std::fs::read_dir(units).unwrap() {
        let report = entry.unwrap().path().join("report.md");
        if let Ok(text) = std::fs::read_to_string(report) {
            sources.push(text);
        }
    }
    assert!(
        sources.len() > TRICKY_REPORTS.len() + 10,
        "the example's reports are read"
    );
    let labels = crate::markdown::Labels::new(&Strings::new(crate::i18n::Language::Vi));
    for source in &sources {
        let report = crate::markdown::render(source, "u", &labels);
        assert_eq!(
            passages(&report.text()),
            passages(&html_text(&report.html())),
            "{source}"
        );
    }
}

#[test]
fn a_summarys_text_gives_the_passages_its_html_gave() {
    let mut summaries: Vec<String> = [
        "Đảng bộ **Khối** có *41/71* tổ chức đảng & 3 <b>chi bộ</b>",
        "Xem [báo cáo](https://example.org \"tiêu đề\") và `mã`\ndòng hai",
        "1. không phải danh sách; # không phải tiêu đề; a &amp; b &lt;c&gt;",
        "![ảnh](a.png) chữ <https://example.org> ~~gạch~~",
    ]
    .map(str::to_owned)
    .into();
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/units");
    for entry in std::fs::read_dir(units).unwrap() {
        let file = entry.unwrap().path().join("unit.toml");
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let table: toml::Table = toml::from_str(&text).unwrap();
        if let Some(summary) = table.get("summary").and_then(|s| s.as_str()) {
            summaries.push(summary.to_owned());
        }
    }
    assert!(summaries.len() > 10, "the example's summaries are read");
    for source in &summaries {
        let (html, text) = crate::markdown::render_inline_with_text(source);
        assert_eq!(html, crate::markdown::render_inline(source));
        assert_eq!(passages(&text), passages(&html_text(&html)), "{source}");
    }
}

/// The text of rendered HTML, one line per block (paragraph, heading, list
/// item, table cell), without the heading anchors ("#"), footnote marks and
/// back-links ("↩"). Entities written by the Markdown renderer are decoded.
/// What the search index once read reports and summaries with; they now
/// give their text themselves, from the parser's events, and the tests
/// check that both give the same passages.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Depth inside elements whose text is not content.
    let mut skip: Vec<&str> = Vec::new();
    while let Some(lt) = rest.find('<') {
        if skip.is_empty() {
            decode_into(&mut out, &rest[..lt]);
        }
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        let closing = tag.starts_with('/');
        let name = tag.trim_start_matches('/');
        let name = &name[..name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        let name = lowercase_tag(name);
        let name = name.as_ref();
        if closing {
            if skip.last().is_some_and(|s| *s == name) {
                skip.pop();
            }
        } else if name == "sup"
            || (name == "a" && (tag.contains("class=\"anchor\"") || tag.contains("fnback")))
        {
            skip.push(if name == "sup" { "sup" } else { "a" });
        }
        if matches!(
            name,
            "p" | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "li"
                | "td"
                | "th"
                | "br"
                | "div"
                | "section"
                | "blockquote"
                | "tr"
        ) {
            out.push('\n');
        }
    }
    if skip.is_empty() {
        decode_into(&mut out, rest);
    }
    out
}

/// A tag name in lowercase, copied only when it has capitals.
fn lowercase_tag(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        name.to_ascii_lowercase().into()
    } else {
        name.into()
    }
}

fn decode_into(out: &mut String, text: &str) {
    if text.contains('&') {
        out.push_str(&decode(text));
    } else {
        out.push_str(text);
    }
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The passages an excerpt can reach are single-spaced; those after it are
/// the lines as written, and the index has the same words either way.
#[test]
fn passages_are_single_spaced_where_the_excerpt_reaches() {
    let long = "Đảng bộ  Khối\t có   71 tổ chức cơ sở đảng. ".repeat(20);
    let text = format!("  Mở  đầu \n\n{long}\n{long}\n \u{a0}\n{long}\n");
    let mut passages = Vec::new();
    push_text(&mut passages, &text);
    let single = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(passages[0], "Mở đầu");
    assert_eq!(passages[1], single(&long));
    assert_eq!(passages[2], long, "past the excerpt's bytes: as written");
    assert_eq!(passages.len(), 4, "blank lines dropped: {passages:?}");
    let excerpt = excerpt_passages(&passages).concat();
    assert!(!excerpt.contains("  "), "{excerpt:?}");
    let mut pushed = doc("Đảng bộ", "");
    pushed.passages = passages.clone();
    let mut normal = doc("Đảng bộ", "");
    normal.passages = text.lines().map(single).filter(|p| !p.is_empty()).collect();
    assert_eq!(Entry::new(pushed).words, Entry::new(normal).words);
}
