package grader

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The output folder of `d2l grade` (OUT) is a class: what the grader found
// (one record per student), what the teacher decided (manual_scores.csv, the
// roster, the late rule) and every report derived from them. Grading writes
// records; every report — gradebook.csv, each student's feedback.md and
// results.json, manual_scores.csv's new rows, the pages for grading by
// question, stats.md — is rebuilt from the records and the teacher's files
// after every change, so that re-grading one student or one exercise, merging
// manual scores, or changing the roster can never leave two reports that
// disagree, and nothing the teacher wrote is lost.
//
//	OUT/catalog.json            the exercises the class was graded with (questions, rubrics, tests)
//	OUT/course.json             the submissions folder, the roster, the late rule
//	OUT/<student>/record.json   what grading found: every test's result, the answers
//	OUT/<student>/feedback.md   the student's report
//	OUT/<student>/results.json  Gradescope's format, as its autograder writes it
//	OUT/gradebook.csv           one row per student, a row of maxima first
//	OUT/manual_scores.csv       the teacher's manual scores (the only copy of them)
//	OUT/manual/<item>.md        one manual item: question, rubric, every student's answer
//	OUT/stats.md, OUT/stats/    per-exercise statistics and figures

// Files of the output folder.
const (
	// RecordFile is the grader's record of one student (OUT/<ReportDir>/record.json):
	// the StudentResult every report of the student is rebuilt from.
	RecordFile = "record.json"
	// CatalogFile holds the catalog the class was graded with (OUT/catalog.json),
	// so that merging manual scores, exporting or rebuilding needs only OUT.
	CatalogFile = "catalog.json"
	// CourseFile holds the class's settings (OUT/course.json): Course.
	CourseFile = "course.json"
	// ManualDir holds the pages for grading the manual items by question.
	ManualDir = "manual"
)

// Course is what OUT remembers between runs besides the records: where the
// submissions are (so that `d2l grade -out OUT -student bob` needs nothing
// else), the roster, and the late rule.
type Course struct {
	Submissions string `json:"submissions,omitempty"` // the class folder graded, absolute
	// Exercises are the exercises the class is graded on (the first run's
	// -only, widened by later ones); empty: every exercise of the catalog.
	Exercises []string   `json:"exercises,omitempty"`
	Roster    string     `json:"roster,omitempty"` // the roster CSV, absolute ("" for none)
	Late      LatePolicy `json:"late,omitzero"`
}

// LatePolicy takes points off late submissions: PerDay of the points earned
// for each day, or part of a day, after Deadline (plus Grace), at most Max of
// them. A roster's due column gives one student another deadline.
type LatePolicy struct {
	Deadline     time.Time `json:"deadline,omitzero"`
	PerDay       float64   `json:"per_day,omitempty"`       // e.g. 0.1: 10 % per day
	Max          float64   `json:"max,omitempty"`           // the most taken, as a fraction (0 means 1: everything)
	GraceMinutes int       `json:"grace_minutes,omitempty"` // minutes after the deadline that still count as on time
}

// Active reports whether the policy takes anything off.
func (p LatePolicy) Active() bool { return !p.Deadline.IsZero() && p.PerDay > 0 }

// Check returns why the policy is unusable, or nil.
func (p LatePolicy) Check() error {
	switch {
	case p.PerDay < 0 || p.PerDay > 1 || math.IsNaN(p.PerDay):
		return fmt.Errorf("late penalty per day: got %v, want a fraction from 0 to 1 (0.1 for 10 %% a day)", p.PerDay)
	case p.Max < 0 || p.Max > 1 || math.IsNaN(p.Max):
		return fmt.Errorf("most a late penalty takes: got %v, want a fraction from 0 to 1", p.Max)
	case p.PerDay > 0 && p.Deadline.IsZero():
		return errors.New("a late penalty needs a deadline (-deadline 2026-12-01T23:59+08:00)")
	case p.GraceMinutes < 0:
		return fmt.Errorf("grace: got %d minutes, want 0 or more", p.GraceMinutes)
	}
	return nil
}

// ReadCourse reads OUT/course.json; a folder without one has an empty Course.
func ReadCourse(out string) (Course, error) {
	var c Course
	b, err := os.ReadFile(filepath.Join(out, CourseFile))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("grader.ReadCourse: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("grader.ReadCourse: %s: %w", filepath.Join(out, CourseFile), err)
	}
	return c, nil
}

// WriteCourse writes OUT/course.json.
func WriteCourse(out string, c Course) error {
	if err := c.Late.Check(); err != nil {
		return fmt.Errorf("grader.WriteCourse: %w", err)
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("grader.WriteCourse: %w", err)
	}
	return writeFileAtomic(filepath.Join(out, CourseFile), append(b, '\n'))
}

// ReadClassCatalog reads the catalog OUT was graded with (OUT/catalog.json).
func ReadClassCatalog(out string) (*Catalog, error) {
	p := filepath.Join(out, CatalogFile)
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("grader.ReadClassCatalog: %s has no %s: is it the -out folder of `d2l grade` (graded by this version)? %w", out, CatalogFile, err)
	}
	return ReadCatalogJSON(p)
}

// readRecords reads every OUT/<folder>/record.json, by student; a record whose
// folder is not its student's report folder is left out with a warning.
func readRecords(out string) (map[string]*StudentResult, []string, error) {
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, nil, err
	}
	recs := map[string]*StudentResult{}
	var warnings []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(out, e.Name(), RecordFile)
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		r := &StudentResult{}
		if err := json.Unmarshal(b, r); err != nil || r.Student == "" || ReportDir(r.Student) != e.Name() {
			warnings = append(warnings, fmt.Sprintf("%s is not a record of the student of that folder; left out (grade that student again)", DisplayName(filepath.Join(e.Name(), RecordFile))))
			continue
		}
		recs[r.Student] = r
	}
	return recs, warnings, nil
}

// writeRecord writes OUT/<ReportDir>/record.json.
func writeRecord(out string, r *StudentResult) error {
	dir := filepath.Join(out, ReportDir(r.Student))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, RecordFile), append(b, '\n'))
}

// mergeResult returns what OUT knows of a student after new was graded: new
// itself when it graded every exercise old has (or when either was not
// graded); otherwise old with new's exercises in place of its own, new's
// notes on the submission and on the sections it built, and old's notes on
// the others.
func mergeResult(cat *Catalog, old, new *StudentResult) *StudentResult {
	if old == nil || new.NotGraded != "" || old.NotGraded != "" {
		return new
	}
	byID := map[string]*ExerciseResult{}
	for _, e := range old.Exercises {
		byID[e.ID] = e
	}
	built := map[string]bool{}
	for _, e := range new.Exercises {
		byID[e.ID] = e
		if ex := cat.Find(e.ID); ex != nil {
			built[ex.Section] = true
		}
	}
	m := *new
	m.Exercises = nil
	for _, ex := range cat.Exercises {
		if e := byID[ex.ID]; e != nil {
			m.Exercises = append(m.Exercises, e)
		}
	}
	m.SectionNotes = map[string][]string{}
	for sec, notes := range old.SectionNotes {
		if !built[sec] {
			m.SectionNotes[sec] = notes
		}
	}
	for sec, notes := range new.SectionNotes {
		m.SectionNotes[sec] = notes
	}
	if len(m.SectionNotes) == 0 {
		m.SectionNotes = nil
	}
	m.Score, m.Max, m.Manual = 0, 0, 0
	for _, e := range m.Exercises {
		if e.Kind == KindManual {
			m.Manual += e.Max
		} else {
			m.Score += e.Score
			m.Max += e.Max
		}
	}
	return &m
}

// Totals are one student's points, as every report shows them.
type Totals struct {
	Auto, AutoMax     float64 // the tests' points
	Manual, ManualMax float64 // the teacher's points for the manual items (scored so far)
	ManualScored      int     // manual items scored
	ManualItems       int     // manual items in all
	LateDays          int     // days (or parts of a day) after the deadline; 0 on time
	LateFraction      float64 // of the points taken off for lateness
	Penalty           float64 // points taken off for lateness
	Total, Max        float64 // Auto + Manual − Penalty, out of AutoMax + ManualMax
}

// points formats a number of points: at most two decimals, no trailing zeros.
func points(v float64) string { return strconv.FormatFloat(round2(v), 'f', -1, 64) }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// ReportOptions are what a rebuild of OUT needs besides the records.
type ReportOptions struct {
	// Course overrides OUT/course.json (and is written there); nil keeps it.
	Course *Course
	// Class lists every student folder of the submissions folder graded: a
	// student of OUT not in it is kept and reported as such. Nil: unknown.
	Class []string
	// StrictManual refuses to write anything when manual_scores.csv has a
	// mistake (for -manual); otherwise its valid rows apply and every
	// mistake is reported.
	StrictManual bool
}

// Summary is what a rebuild of OUT did, for the teacher's console.
type Summary struct {
	Students  int      // students in OUT
	Graded    []string // the students this run graded
	Kept      []string // students of OUT that were not in the submissions folder
	Totals    map[string]Totals
	Manual    ManualSummary
	Warnings  []string // what the teacher should look at (one line each)
	Exercises []string // the exercises the class was graded on, in catalog order
}

// UpdateReports stores the results just graded in OUT (merging each with what
// OUT knew of the student: a run with Options.Only replaces only those
// exercises) and rebuilds every report of OUT from the records, the manual
// scores, the roster and the late rule. It writes OUT/catalog.json (cat) and,
// with opt.Course, OUT/course.json.
func UpdateReports(out string, cat *Catalog, results []*StudentResult, opt ReportOptions) (*Summary, error) {
	const fn = "grader.UpdateReports"
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if opt.Course != nil {
		if err := WriteCourse(out, *opt.Course); err != nil {
			return nil, err
		}
	}
	if err := writeFileAtomic(filepath.Join(out, CatalogFile), cat.JSON()); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	recs, _, err := readRecords(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	var graded []string
	for _, r := range results {
		m := mergeResult(cat, recs[r.Student], r)
		if err := writeRecord(out, m); err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
		graded = append(graded, r.Student)
	}
	s, err := rebuild(out, cat, opt)
	if err != nil {
		return nil, err
	}
	s.Graded = graded
	return s, nil
}

// RebuildReports rebuilds every report of OUT from its records, catalog,
// manual scores, roster and late rule, without grading anything.
func RebuildReports(out string, opt ReportOptions) (*Summary, error) {
	cat, err := ReadClassCatalog(out)
	if err != nil {
		return nil, err
	}
	if opt.Course != nil {
		if err := WriteCourse(out, *opt.Course); err != nil {
			return nil, err
		}
	}
	return rebuild(out, cat, opt)
}

// WriteReports stores results in OUT and rebuilds its reports (UpdateReports
// with no options): gradebook.csv, manual_scores.csv (new rows only), and per
// student record.json, results.json and feedback.md.
func WriteReports(out string, cat *Catalog, results []*StudentResult) error {
	_, err := UpdateReports(out, cat, results, ReportOptions{})
	return err
}

// classView is everything a rebuild derives from OUT before writing.
type classView struct {
	out      string
	cat      *Catalog
	course   Course
	students []*StudentResult // sorted by folder name, as os.ReadDir lists them
	set      []*Exercise      // the exercises graded, in catalog order
	roster   map[string]*RosterEntry
	manual   *manualScores
	totals   map[string]Totals
	late     map[string]lateInfo
	flags    map[string][]string // per student: what the teacher should look at
	warnings []string            // about the class
}

// rebuild writes every report of OUT.
func rebuild(out string, cat *Catalog, opt ReportOptions) (*Summary, error) {
	v, err := loadView(out, cat)
	if err != nil {
		return nil, err
	}
	return v.write(opt)
}

// rebuildWithManual rebuilds OUT with manual scores data in place of
// OUT/manual_scores.csv's, which it writes unless they have a mistake.
func rebuildWithManual(out string, cat *Catalog, data []byte) (*Summary, error) {
	v, err := loadView(out, cat, data)
	if err != nil {
		return nil, err
	}
	return v.write(ReportOptions{StrictManual: true})
}

// loadView reads what OUT holds: course, records, roster, manual scores
// (manualData, when given, standing in for manual_scores.csv).
func loadView(out string, cat *Catalog, manualData ...[]byte) (*classView, error) {
	const fn = "grader.UpdateReports"
	v := &classView{out: out, cat: cat, flags: map[string][]string{}}
	var err error
	if v.course, err = ReadCourse(out); err != nil {
		return nil, err
	}
	recs, warnings, err := readRecords(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	v.warnings = append(v.warnings, warnings...)
	inSet := map[string]bool{}
	unknown := map[string]bool{}
	for _, r := range recs {
		v.students = append(v.students, r)
		for _, e := range r.Exercises {
			if cat.Find(e.ID) == nil {
				unknown[e.ID] = true
			}
			inSet[e.ID] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(unknown)) {
		v.warnings = append(v.warnings, fmt.Sprintf("exercise %s is no longer in the catalog: its results are left out of every report", id))
	}
	sort.Slice(v.students, func(i, j int) bool { return v.students[i].Student < v.students[j].Student })
	for _, e := range cat.Exercises {
		if inSet[e.ID] {
			v.set = append(v.set, e)
		}
	}
	// Exercises graded with another version of the catalog.
	for _, r := range v.students {
		var stale []string
		for _, e := range r.Exercises {
			if ex := cat.Find(e.ID); ex != nil && e.Max != ex.MaxPoints() && r.NotGraded == "" {
				stale = append(stale, e.ID)
			}
		}
		if len(stale) > 0 {
			v.flag(r.Student, fmt.Sprintf("%s graded against another version of the exercise (other points): grade again with -student %s -only %s", strings.Join(stale, ","), DisplayName(r.Student), strings.Join(stale, ",")))
		}
	}
	if v.roster, err = v.readRoster(); err != nil {
		return nil, err
	}
	if v.course.Roster != "" {
		for _, r := range v.students {
			if v.roster[r.Student] == nil {
				v.warnings = append(v.warnings, fmt.Sprintf("%s is not in the roster %s", DisplayName(r.Student), v.course.Roster))
			}
		}
	}
	v.late = map[string]lateInfo{}
	for _, r := range v.students {
		v.late[r.Student] = lateFor(v.course.Late, r, v.roster[r.Student])
	}
	if v.manual, err = readManualScores(v, manualData...); err != nil {
		return nil, err
	}
	v.totals = map[string]Totals{}
	for _, r := range v.students {
		v.totals[r.Student] = v.studentTotals(r)
	}
	return v, nil
}

// write writes every report of the class.
func (v *classView) write(opt ReportOptions) (*Summary, error) {
	const fn = "grader.UpdateReports"
	s := &Summary{Students: len(v.students), Totals: v.totals, Manual: v.manual.summary}
	for _, e := range v.set {
		s.Exercises = append(s.Exercises, e.ID)
	}
	if opt.Class != nil {
		for _, r := range v.students {
			if !slices.Contains(opt.Class, r.Student) {
				s.Kept = append(s.Kept, r.Student)
			}
		}
	}
	if opt.StrictManual && len(v.manual.summary.Mistakes) > 0 {
		return nil, &ManualError{File: v.manual.path, Mistakes: v.manual.summary.Mistakes}
	}
	if err := v.manual.write(v); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	s.Manual.Added = v.manual.summary.Added
	s.Warnings = append(s.Warnings, v.warnings...)
	for _, st := range v.students {
		for _, f := range v.flags[st.Student] {
			s.Warnings = append(s.Warnings, DisplayName(st.Student)+": "+f)
		}
	}
	if err := v.writeGradebook(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	for _, r := range v.students {
		dir := filepath.Join(v.out, ReportDir(r.Student))
		b, _ := json.MarshalIndent(v.resultsJSON(r), "", "  ")
		if err := writeFileAtomic(filepath.Join(dir, "results.json"), append(b, '\n')); err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, "feedback.md"), []byte(v.feedback(r))); err != nil {
			return nil, fmt.Errorf("%s: %w", fn, err)
		}
	}
	if err := v.writeManualPages(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if err := v.writeStats(); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return s, nil
}

// flag records something the teacher should look at about a student.
func (v *classView) flag(student, msg string) {
	if !slices.Contains(v.flags[student], msg) {
		v.flags[student] = append(v.flags[student], msg)
	}
}

// studentTotals adds up a student's points.
func (v *classView) studentTotals(r *StudentResult) Totals {
	var t Totals
	got := map[string]*ExerciseResult{}
	for _, e := range r.Exercises {
		got[e.ID] = e
	}
	for _, ex := range v.set {
		if ex.Kind == KindManual {
			t.ManualMax += float64(ex.MaxPoints())
			t.ManualItems++
			if c := v.manual.cell(r.Student, ex.ID); c != nil && c.points != nil {
				t.Manual += *c.points
				t.ManualScored++
			}
			continue
		}
		t.AutoMax += float64(ex.MaxPoints())
		if e := got[ex.ID]; e != nil && r.NotGraded == "" {
			t.Auto += float64(e.Score)
		}
	}
	li := v.late[r.Student]
	t.LateDays, t.LateFraction = li.days, li.fraction
	t.Penalty = round2(li.fraction * (t.Auto + t.Manual))
	t.Total = round2(t.Auto + t.Manual - t.Penalty)
	t.Max = t.AutoMax + t.ManualMax
	return t
}

// writeFileAtomic writes a file whole: a temporary file in the same folder,
// renamed over the old one, so that an interrupted run never leaves half a report.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(f.Name(), 0o644)); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
