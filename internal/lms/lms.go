// Package lms turns the bulk download of an assignment's submissions from a
// learning management system into the class folder `d2l grade` reads: one
// folder per student.
//
// The downloads it knows, as a zip or as the folder it unpacks to:
//
//   - Canvas ("Download Submissions"): every file at the top level, named
//     lastfirst_[LATE_]userid_submissionid_original-name[-N].ext; the folder
//     of a student is "lastfirst-userid" and the files get their original
//     names back (Canvas's "-N" for a renamed re-upload dropped).
//   - Moodle ("Download all submissions"): one folder per student named
//     "Full Name_participantid_assignsubmission_file_", or (without "download
//     submissions in folders") the files named
//     "Full Name_participantid_assignsubmission_file_original-name"; the
//     folder of a student is "Full-Name-participantid".
//   - One zip per student (zips): NAME.zip becomes the folder NAME.
//
// A zip a student handed in is unpacked into their folder. Everything comes
// from someone else: names are cleaned (safezip.CleanName) and folder names
// made of plain characters, archives are read within safezip's limits, and
// nothing is written outside the class folder or over a student folder that
// is there already unless Update is set (the old one is moved aside, never
// deleted).
package lms

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/d2l-go/d2l-go/internal/safezip"
)

// Kinds of download.
const (
	Canvas = "canvas"
	Moodle = "moodle"
	Zips   = "zips"
	Auto   = "auto"
)

// Student is one student of an imported download.
type Student struct {
	Folder string   // their folder in the class folder
	Name   string   // as the LMS names them
	LMSID  string   // Canvas: the user ID; Moodle: the participant ID
	Late   bool     // the LMS marked the submission late (Canvas)
	Files  []string // the files written, relative to the folder
	// Modified is the newest time the download gives the student's files.
	Modified time.Time
}

// Options configure Import.
type Options struct {
	Kind string // Canvas, Moodle, Zips or Auto ("" is Auto)
	// Update replaces the folder of a student that is already in the class
	// folder with different files (the old one is moved to <class>.replaced/);
	// without it such a student is left as is and reported.
	Update bool
	// Limits bound the download (default: 20000 entries, 64 MiB per file, 4 GiB in all).
	Limits safezip.Limits
}

// Report is what Import did.
type Report struct {
	Kind      string
	Students  []*Student // written or unchanged, by folder
	Unchanged []string   // folders already there with the same files
	Kept      []string   // folders already there with other files, left as they were (no Update)
	Replaced  []string   // folders replaced (Update), the old ones under <class>.replaced/
	Skipped   []string   // files of the download not used, each with why
}

// file is one file of the download.
type file struct {
	name string // slash-separated, relative to the download's top
	data []byte
	mod  time.Time
}

var (
	canvasRE = regexp.MustCompile(`^([a-z0-9]*)_(LATE_)?(\d+)_(\d+)_(.+)$`)
	moodleRE = regexp.MustCompile(`^(.+)_(\d+)_assignsubmission_([a-z]+)_(.*)$`)
	resubRE  = regexp.MustCompile(`-\d+(\.[A-Za-z0-9]+)$`)
)

// Import reads the download from (a zip file or a folder) and writes one
// folder per student into class (created if needed).
func Import(from, class string, opt Options) (*Report, error) {
	const fn = "lms.Import"
	if opt.Limits == (safezip.Limits{}) {
		opt.Limits = safezip.Limits{Entries: 20000, FileBytes: 64 << 20, Total: 4 << 30, Depth: 8}
	}
	files, skipped, err := readDownload(from, opt.Limits)
	if err != nil {
		return nil, fmt.Errorf("%s: argument from: %w", fn, err)
	}
	kind := opt.Kind
	if kind == "" || kind == Auto {
		kind = detect(files)
		if kind == "" {
			return nil, fmt.Errorf("%s: %s is not a download this knows (Canvas: lastfirst_userid_submissionid_name; Moodle: Name_id_assignsubmission_file_...; or one zip per student): name it with -lms", fn, from)
		}
	}
	r := &Report{Kind: kind, Skipped: skipped}
	students := map[string]*Student{}
	perStudent := map[string][]file{}
	add := func(folder, name, lmsID string, late bool, f file) {
		st := students[folder]
		if st == nil {
			st = &Student{Folder: folder, Name: name, LMSID: lmsID}
			students[folder] = st
		}
		st.Late = st.Late || late
		if f.mod.After(st.Modified) {
			st.Modified = f.mod
		}
		perStudent[folder] = append(perStudent[folder], f)
	}
	for _, f := range files {
		top, rest, _ := strings.Cut(f.name, "/")
		switch kind {
		case Canvas:
			m := canvasRE.FindStringSubmatch(top)
			if m == nil || rest != "" {
				r.Skipped = append(r.Skipped, f.name+": not named as Canvas names a submission's file")
				continue
			}
			name := resubRE.ReplaceAllString(m[5], "$1")
			add(plainFolder(m[1]+"-"+m[3]), m[1], m[3], m[2] != "", file{name: name, data: f.data, mod: f.mod})
		case Moodle:
			m := moodleRE.FindStringSubmatch(top)
			if m == nil {
				r.Skipped = append(r.Skipped, f.name+": not named as Moodle names a submission")
				continue
			}
			name := m[4]
			if rest != "" { // a folder per student
				name = rest
				if m[4] != "" {
					name = m[4] + "/" + rest
				}
			}
			if name == "" {
				r.Skipped = append(r.Skipped, f.name+": no file name")
				continue
			}
			add(plainFolder(strings.ReplaceAll(m[1], " ", "-")+"-"+m[2]), m[1], m[2], false, file{name: name, data: f.data, mod: f.mod})
		case Zips:
			if rest != "" || !strings.HasSuffix(strings.ToLower(top), ".zip") {
				r.Skipped = append(r.Skipped, f.name+": not a student's zip")
				continue
			}
			stem := strings.TrimSuffix(top, path.Ext(top))
			add(plainFolder(stem), stem, "", false, file{name: top, data: f.data, mod: f.mod})
		default:
			return nil, fmt.Errorf("%s: argument kind: got %q, want canvas, moodle, zips or auto", fn, kind)
		}
	}
	if err := os.MkdirAll(class, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	for _, folder := range slices.Sorted(maps.Keys(students)) {
		st := students[folder]
		written, err := writeStudent(class, st, perStudent[folder], opt, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", fn, folder, err)
		}
		if written {
			r.Students = append(r.Students, st)
		}
	}
	return r, nil
}

// detect names the kind of a download from its file names.
func detect(files []file) string {
	canvas, moodle, zips := 0, 0, 0
	for _, f := range files {
		top, rest, _ := strings.Cut(f.name, "/")
		switch {
		case moodleRE.MatchString(top):
			moodle++
		case canvasRE.MatchString(top) && rest == "":
			canvas++
		case rest == "" && strings.HasSuffix(strings.ToLower(top), ".zip"):
			zips++
		}
	}
	switch {
	case moodle > 0 && moodle >= canvas:
		return Moodle
	case canvas > 0:
		return Canvas
	case zips > 0 && zips == len(files):
		return Zips
	}
	return ""
}

// readDownload reads every regular file of a zip or a folder.
func readDownload(from string, lim safezip.Limits) ([]file, []string, error) {
	info, err := os.Stat(from)
	if err != nil {
		return nil, nil, err
	}
	var files []file
	var skipped []string
	if !info.IsDir() {
		f, err := os.Open(from)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		sk, err := safezip.WalkReader(f, info.Size(), lim, func(z safezip.File) error {
			if !junk(z.Name) {
				files = append(files, file{name: z.Name, data: z.Data, mod: z.Modified})
			}
			return nil
		})
		for _, s := range sk {
			skipped = append(skipped, s.Name+": "+s.Why)
		}
		return files, skipped, err
	}
	var total int64
	err = filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			if strings.Count(rel, "/") >= lim.Depth {
				skipped = append(skipped, rel+": more than "+fmt.Sprint(lim.Depth)+" folders deep")
				return filepath.SkipDir
			}
			return nil
		case !d.Type().IsRegular():
			skipped = append(skipped, rel+": not a regular file")
			return nil
		case junk(rel):
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > lim.FileBytes {
			skipped = append(skipped, fmt.Sprintf("%s: too large (%d bytes)", rel, info.Size()))
			return nil
		}
		if total += info.Size(); total > lim.Total {
			return fmt.Errorf("%w: more than %d bytes", safezip.ErrTooLarge, lim.Total)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, file{name: rel, data: b, mod: info.ModTime()})
		return nil
	})
	return files, skipped, err
}

// junk reports whether a path is something archivers add (macOS's
// __MACOSX/ and ._ files, .DS_Store).
func junk(p string) bool {
	for _, el := range strings.Split(p, "/") {
		if el == "__MACOSX" || el == ".DS_Store" || strings.HasPrefix(el, "._") {
			return true
		}
	}
	return false
}

// plainFolder makes a folder name of letters, digits, '.', '-', '+' and '@':
// what grader.ReportDir keeps as it is.
func plainFolder(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-+@", r):
			sb.WriteRune(r)
		case r == ' ' || r == '_':
			sb.WriteRune('-')
		}
	}
	out := strings.Trim(sb.String(), ".-")
	if out == "" {
		out = "student"
	}
	return out
}

// writeStudent writes one student's folder (unpacking the zips they handed
// in) unless the class folder has one already: then it is left as it was
// (same files, or no Update) or moved aside and replaced (Update). It
// reports whether the student's folder now holds this download.
func writeStudent(class string, st *Student, files []file, opt Options, r *Report) (bool, error) {
	// What the folder will hold: the files, zips unpacked.
	out := map[string]file{}
	for _, f := range files {
		if strings.HasSuffix(strings.ToLower(f.name), ".zip") {
			sk, err := safezip.Walk(f.data, safezip.DefaultLimits, func(z safezip.File) error {
				if !junk(z.Name) {
					out[z.Name] = file{name: z.Name, data: z.Data, mod: z.Modified}
				}
				return nil
			})
			for _, s := range sk {
				r.Skipped = append(r.Skipped, fmt.Sprintf("%s: %s: %s: %s", st.Folder, f.name, s.Name, s.Why))
			}
			if err == nil {
				continue
			}
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s: %s: not unpacked (%v); kept as it is", st.Folder, f.name, err))
		}
		name, why := safezip.CleanName(f.name, 8)
		if why != "" {
			r.Skipped = append(r.Skipped, fmt.Sprintf("%s: %q: %s", st.Folder, f.name, why))
			continue
		}
		out[name] = file{name: name, data: f.data, mod: f.mod}
	}
	dir := filepath.Join(class, st.Folder)
	if _, err := os.Lstat(dir); err == nil {
		same, err := sameFiles(dir, out)
		if err != nil {
			return false, err
		}
		switch {
		case same:
			r.Unchanged = append(r.Unchanged, st.Folder)
			st.Files = sortedNames(out)
			return true, nil
		case !opt.Update:
			r.Kept = append(r.Kept, st.Folder)
			return false, nil
		}
		aside := filepath.Join(filepath.Dir(filepath.Clean(class)), filepath.Base(filepath.Clean(class))+".replaced", st.Folder+"-"+time.Now().UTC().Format("20060102T150405Z"))
		if err := os.MkdirAll(filepath.Dir(aside), 0o755); err != nil {
			return false, err
		}
		if err := os.Rename(dir, aside); err != nil {
			return false, err
		}
		r.Replaced = append(r.Replaced, st.Folder)
	}
	for name, f := range out {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return false, err
		}
		w, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return false, err
		}
		_, werr := w.Write(f.data)
		if err := errors.Join(werr, w.Close()); err != nil {
			return false, err
		}
		if !f.mod.IsZero() {
			_ = os.Chtimes(p, f.mod, f.mod)
		}
	}
	st.Files = sortedNames(out)
	return true, nil
}

func sortedNames(m map[string]file) []string { return slices.Sorted(maps.Keys(m)) }

// sameFiles reports whether dir holds exactly the files of want.
func sameFiles(dir string, want map[string]file) (bool, error) {
	n := 0
	same := true
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f, ok := want[filepath.ToSlash(rel)]
		if !ok || !d.Type().IsRegular() {
			same = false
			return io.EOF
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if string(b) != string(f.data) {
			same = false
			return io.EOF
		}
		n++
		return nil
	})
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return same && n == len(want), nil
}
