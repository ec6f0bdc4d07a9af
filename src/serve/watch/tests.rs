use std::collections::BTreeSet;

use notify::event::{
    AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode,
};

use super::*;

const ROOT: &str = "/srv/tinh";

fn ev(kind: EventKind, paths: &[&str]) -> FileEvent {
    FileEvent {
        kind,
        paths: paths.iter().map(|p| Path::new(ROOT).join(p)).collect(),
    }
}

fn write(path: &str) -> FileEvent {
    ev(
        EventKind::Modify(ModifyKind::Data(DataChange::Any)),
        &[path],
    )
}
fn create(path: &str) -> FileEvent {
    ev(EventKind::Create(CreateKind::File), &[path])
}
fn remove(path: &str) -> FileEvent {
    ev(EventKind::Remove(RemoveKind::File), &[path])
}
fn closed(path: &str) -> FileEvent {
    ev(
        EventKind::Access(AccessKind::Close(AccessMode::Write)),
        &[path],
    )
}
fn opened(path: &str) -> FileEvent {
    ev(
        EventKind::Access(AccessKind::Open(AccessMode::Any)),
        &[path],
    )
}
fn rename(from: &str, to: &str) -> FileEvent {
    ev(
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
        &[from, to],
    )
}
fn rename_from(path: &str) -> FileEvent {
    ev(
        EventKind::Modify(ModifyKind::Name(RenameMode::From)),
        &[path],
    )
}
fn rename_to(path: &str) -> FileEvent {
    ev(EventKind::Modify(ModifyKind::Name(RenameMode::To)), &[path])
}
fn chmod(path: &str) -> FileEvent {
    ev(
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
        &[path],
    )
}

fn classify_here(events: &[FileEvent]) -> Change {
    classify(Path::new(ROOT), &Path::new(ROOT).join("public"), events)
}

fn report_of(id: &str) -> Change {
    Change {
        reports: BTreeSet::from([id.to_string()]),
        ..Change::default()
    }
}

const REPORT: &str = "content/units/xa-ma-quai/report.md";
const DIR: &str = "content/units/xa-ma-quai";

/// Every editor's way of saving a report is an edit of that report, and of
/// nothing else: one incremental rebuild.
#[test]
fn editors_saves_of_a_report() {
    let p = |name: &str| format!("{DIR}/{name}");
    let saves: Vec<(&str, Vec<FileEvent>)> = vec![
        ("in-place write", vec![write(REPORT), closed(REPORT)]),
        (
            "vim: probe file, backup by rename, new file, swap file",
            vec![
                create(&p("4913")),
                closed(&p("4913")),
                remove(&p("4913")),
                write(&p(".report.md.swp")),
                rename(REPORT, &p("report.md~")),
                create(REPORT),
                write(REPORT),
                closed(REPORT),
                chmod(REPORT),
                remove(&p("report.md~")),
            ],
        ),
        (
            "vim, renames reported as halves",
            vec![
                rename_from(REPORT),
                rename_to(&p("report.md~")),
                create(REPORT),
                write(REPORT),
                remove(&p("report.md~")),
            ],
        ),
        (
            "write to a temporary file, rename over the report (gedit, atomic writers)",
            vec![
                create(&p(".goutputstream-8K2Q1Z")),
                write(&p(".goutputstream-8K2Q1Z")),
                rename(&p(".goutputstream-8K2Q1Z"), REPORT),
            ],
        ),
        (
            "write to report.md.tmp, rename",
            vec![
                create(&p("report.md.tmp")),
                write(&p("report.md.tmp")),
                rename(&p("report.md.tmp"), REPORT),
            ],
        ),
        (
            "JetBrains safe write",
            vec![
                create(&p("report.md___jb_tmp___")),
                write(&p("report.md___jb_tmp___")),
                rename(REPORT, &p("report.md___jb_old___")),
                rename(&p("report.md___jb_tmp___"), REPORT),
                remove(&p("report.md___jb_old___")),
            ],
        ),
        (
            "emacs: lock file, autosave, backup",
            vec![
                create(&p(".#report.md")),
                write(&p("#report.md#")),
                rename(REPORT, &p("report.md~")),
                create(REPORT),
                write(REPORT),
                remove(&p("#report.md#")),
                remove(&p(".#report.md")),
            ],
        ),
    ];
    for (how, events) in saves {
        assert_eq!(classify_here(&events), report_of("xa-ma-quai"), "{how}");
    }
}

#[test]
fn what_never_rebuilds() {
    let quiet: Vec<(&str, Vec<FileEvent>)> = vec![
        (
            "reading files (what a build does)",
            vec![
                opened(REPORT),
                opened("site.toml"),
                opened("templates/base.html"),
            ],
        ),
        (
            "a change of permissions",
            vec![chmod(REPORT), chmod("site.toml")],
        ),
        (
            "the output folder",
            vec![
                create("public/index.html"),
                write("public/units/x.html"),
                remove("public"),
            ],
        ),
        (
            "a staging folder of `ketqua build`",
            vec![create(".public.staging-Ab12/index.html")],
        ),
        (
            "swap files and backups alone",
            vec![
                write(&format!("{DIR}/.report.md.swp")),
                create(&format!("{DIR}/report.md~")),
                create(&format!("{DIR}/4913")),
            ],
        ),
        (
            "files the site is not made from",
            vec![
                write("README.md"),
                create("notes/ghi-chu.md"),
                write("target/x"),
            ],
        ),
        (
            "paths outside the site",
            vec![FileEvent {
                kind: EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                paths: vec![PathBuf::from("/etc/passwd")],
            }],
        ),
        (
            "a hidden folder in content",
            vec![write("content/.git/index")],
        ),
    ];
    for (what, events) in quiet {
        assert!(classify_here(&events).is_empty(), "{what}");
    }
}

/// Everything else the site is made from rebuilds the whole site.
#[test]
fn what_rebuilds_everything() {
    let full: Vec<(&str, Vec<FileEvent>)> = vec![
        ("site.toml", vec![write("site.toml")]),
        ("the catalogue", vec![write("indicators.toml")]),
        (
            "a new unit",
            vec![
                ev(
                    EventKind::Create(CreateKind::Folder),
                    &["content/units/chi-bo-moi"],
                ),
                create("content/units/chi-bo-moi/unit.toml"),
            ],
        ),
        (
            "a unit deleted",
            vec![
                remove(REPORT),
                remove(&format!("{DIR}/unit.toml")),
                remove(DIR),
            ],
        ),
        (
            "a unit renamed",
            vec![rename(DIR, "content/units/xa-ma-quai-moi")],
        ),
        ("a template", vec![write("templates/unit.html")]),
        ("a static file", vec![create("static/img/logo.png")]),
        ("a theme", vec![write("themes/rieng/templates/base.html")]),
        (
            "the templates folder made",
            vec![ev(EventKind::Create(CreateKind::Folder), &["templates"])],
        ),
    ];
    for (what, events) in full {
        let change = classify_here(&events);
        assert!(change.other, "{what}: {change:?}");
    }
}

/// A unit.toml written is told as its unit's, like a report; with its
/// folder made, removed or renamed it is the whole site's.
#[test]
fn a_unit_toml_is_told_as_its_unit() {
    let toml = format!("{DIR}/unit.toml");
    let saved = classify_here(&[write(&toml)]);
    assert_eq!(
        saved,
        Change {
            unit_tomls: BTreeSet::from(["xa-ma-quai".to_string()]),
            ..Change::default()
        }
    );
    // A report and a unit.toml in one batch: both told.
    let both = classify_here(&[write(REPORT), write(&toml)]);
    assert!(!both.other);
    assert_eq!(both.reports.len(), 1);
    assert_eq!(both.unit_tomls.len(), 1);
    // Saved through a temporary renamed over it: the same.
    let renamed = classify_here(&[
        create(&format!("{DIR}/.unit.toml.tmp")),
        rename(&format!("{DIR}/.unit.toml.tmp"), &toml),
    ]);
    assert_eq!(renamed, saved);
}

#[test]
fn scratch_names() {
    for name in [
        ".report.md.swp",
        "report.md~",
        "#report.md#",
        ".#report.md",
        "4913",
        "report.md___jb_tmp___",
        "report.md___jb_old___",
        ".goutputstream-XYZ",
        "report.md.tmp",
        "unit.toml.bak",
    ] {
        assert!(is_scratch(name), "{name}");
    }
    for name in ["report.md", "unit.toml", "logo.svg", "4914", "bao-cao~x.md"] {
        assert!(!is_scratch(name), "{name}");
    }
}

fn saves_after(events: &[FileEvent]) -> bool {
    wait_after(events) == GRACE
}

fn wait_after(events: &[FileEvent]) -> Duration {
    let (root, output) = (Path::new(ROOT), Path::new(ROOT).join("public"));
    let mut saves = Saves::new(root, &output);
    events.iter().for_each(|event| saves.add(event));
    assert_eq!(saves.complete(), saves.wait() == GRACE);
    saves.wait()
}

/// Each editor's save, step by step as inotify reports it (vim 9.0, emacs
/// 28 and nano 7 watched with inotifywait; the others as they are known to
/// write), with whether the events so far are complete: as soon as the
/// report is closed after writing or renamed onto, never before.
#[test]
fn a_save_is_complete_once_its_file_is_closed_or_renamed_onto() {
    let p = |name: &str| format!("{DIR}/{name}");
    let saves: Vec<(&str, Vec<(FileEvent, bool)>)> = vec![
        (
            "vim (backup by rename, writebackup)",
            vec![
                (create(&p("4913")), true),
                (chmod(&p("4913")), true),
                (closed(&p("4913")), true),
                (remove(&p("4913")), true),
                (rename_from(REPORT), false),
                (rename_to(&p("report.md~")), false),
                (rename(REPORT, &p("report.md~")), false),
                (create(REPORT), false),
                (opened(REPORT), false),
                (write(REPORT), false),
                (write(REPORT), false),
                (chmod(REPORT), false),
                (closed(REPORT), true),
                (chmod(REPORT), true),
                (write(&p(".report.md.swp")), true),
                (remove(&p("report.md~")), true),
            ],
        ),
        (
            "vim with backupcopy=yes (backup copied, report written in place)",
            vec![
                (create(&p("report.md~")), true),
                (write(&p("report.md~")), true),
                (closed(&p("report.md~")), true),
                (write(REPORT), false),
                (chmod(REPORT), false),
                (closed(REPORT), true),
                (remove(&p("report.md~")), true),
            ],
        ),
        (
            "emacs, first save (lock link, backup by rename, a second close)",
            vec![
                (create(&p(".#report.md")), true),
                (rename_from(REPORT), false),
                (rename_to(&p("report.md~")), false),
                (rename(REPORT, &p("report.md~")), false),
                (create(REPORT), false),
                (write(REPORT), false),
                (closed(REPORT), true),
                (opened(REPORT), true),
                (closed(REPORT), true),
                (remove(&p(".#report.md")), true),
                (chmod(REPORT), true),
            ],
        ),
        (
            "emacs, later saves; nano; VS Code; `echo >>` (in place)",
            vec![
                (create(&p(".#report.md")), true),
                (opened(REPORT), true),
                (write(REPORT), false),
                (write(REPORT), false),
                (closed(REPORT), true),
                (remove(&p(".#report.md")), true),
            ],
        ),
        (
            "gedit: a temporary written, closed, renamed onto",
            vec![
                (create(&p(".goutputstream-8K2Q1Z")), true),
                (write(&p(".goutputstream-8K2Q1Z")), true),
                (closed(&p(".goutputstream-8K2Q1Z")), true),
                (rename_from(&p(".goutputstream-8K2Q1Z")), true),
                (rename_to(REPORT), true),
                (rename(&p(".goutputstream-8K2Q1Z"), REPORT), true),
            ],
        ),
        (
            "JetBrains' safe write",
            vec![
                (create(&p("report.md___jb_tmp___")), true),
                (write(&p("report.md___jb_tmp___")), true),
                (closed(&p("report.md___jb_tmp___")), true),
                (rename(REPORT, &p("report.md___jb_old___")), false),
                (rename(&p("report.md___jb_tmp___"), REPORT), true),
                (remove(&p("report.md___jb_old___")), true),
            ],
        ),
    ];
    for (how, save) in saves {
        for k in 1..=save.len() {
            let events: Vec<FileEvent> = save[..k].iter().map(|(e, _)| e.clone()).collect();
            let (last, expected) = (&save[k - 1].0, save[k - 1].1);
            assert_eq!(
                saves_after(&events),
                expected,
                "{how}: after {:?} {:?}",
                last.kind,
                last.paths
            );
        }
    }
}

/// What is not known to be complete waits for the quiet period, as every
/// save did before.
#[test]
fn what_waits_for_quiet() {
    let toml = format!("{DIR}/unit.toml");
    let waits: Vec<(&str, Vec<FileEvent>)> = vec![
        ("a write not closed yet", vec![write(REPORT)]),
        ("a file created, not closed", vec![create(REPORT)]),
        (
            "written again after its close (a second writer)",
            vec![write(REPORT), closed(REPORT), write(REPORT)],
        ),
        (
            "one file complete, another still written",
            vec![write(REPORT), closed(REPORT), write(&toml)],
        ),
        ("a report deleted", vec![remove(REPORT)]),
        ("a report renamed away", vec![rename(REPORT, "notes.md")]),
        (
            "a report renamed away, the halves alone (the other outside the site)",
            vec![rename_from(REPORT)],
        ),
        (
            "a unit folder made (its files may follow)",
            vec![
                ev(
                    EventKind::Create(CreateKind::Folder),
                    &["content/units/chi-bo-moi"],
                ),
                create("content/units/chi-bo-moi/.unit.toml.tmp"),
                rename(
                    "content/units/chi-bo-moi/.unit.toml.tmp",
                    "content/units/chi-bo-moi/unit.toml",
                ),
            ],
        ),
        (
            "a unit folder renamed",
            vec![rename(DIR, "content/units/xa-ma-quai-moi")],
        ),
        (
            "a rename whose side is not known (other platforms)",
            vec![ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Any)),
                &[REPORT],
            )],
        ),
        (
            "a change of unknown kind, closed by no event (other platforms)",
            vec![ev(EventKind::Modify(ModifyKind::Any), &[REPORT])],
        ),
    ];
    for (what, events) in waits {
        assert_eq!(wait_after(&events), QUIET, "{what}");
    }
    // Two files saved, each closed: complete.
    assert!(saves_after(&[
        write(REPORT),
        write(&toml),
        closed(&toml),
        closed(REPORT)
    ]));
}

/// The watcher passes on what may change the site or complete a save, and
/// nothing a build or an editor's scratch files cause.
#[test]
fn what_the_watcher_passes_on() {
    let output = Path::new(ROOT).join("public");
    let wanted_here = |event: &FileEvent| wanted(Path::new(ROOT), &output, event);
    for event in [
        write(REPORT),
        closed(REPORT),
        rename(&format!("{DIR}/.report.md.tmp"), REPORT),
        remove(DIR),
        write("site.toml"),
    ] {
        assert!(wanted_here(&event), "{event:?}");
    }
    for event in [
        opened(REPORT),
        chmod(REPORT),
        closed("public/index.html"),
        write(&format!("{DIR}/.report.md.swp")),
        remove(&format!("{DIR}/report.md~")),
        write("README.md"),
    ] {
        assert!(!wanted_here(&event), "{event:?}");
    }
}

/// A report moved aside to a backup's name is a save whose new file is
/// still to come: emacs's first save of a Vietnamese report writes it
/// 44–76 ms later, past the quiet period. The batch waits for it.
#[test]
fn a_file_moved_aside_to_a_backup_waits_for_its_new_file() {
    let p = |name: &str| format!("{DIR}/{name}");
    let emacs = [
        create(&p(".#report.md")),
        rename_from(REPORT),
        rename_to(&p("report.md~")),
        rename(REPORT, &p("report.md~")),
    ];
    assert_eq!(wait_after(&emacs), ASIDE);
    let jetbrains = [
        create(&p("report.md___jb_tmp___")),
        closed(&p("report.md___jb_tmp___")),
        rename(REPORT, &p("report.md___jb_old___")),
    ];
    assert_eq!(wait_after(&jetbrains), ASIDE);
    // Another file still written: the longer wait still holds.
    let mut both = emacs.to_vec();
    both.push(write(&format!("{DIR}/unit.toml")));
    assert_eq!(wait_after(&both), ASIDE);
    // The new file created, then closed: under way, then complete.
    let mut saved = emacs.to_vec();
    saved.extend([create(REPORT), write(REPORT)]);
    assert_eq!(wait_after(&saved), QUIET);
    saved.push(closed(REPORT));
    assert_eq!(wait_after(&saved), GRACE);
}
