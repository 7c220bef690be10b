package grader

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// RosterFile is the roster `d2l import` writes next to the student folders
// (SUBS/roster.csv); `d2l grade` reads it from there unless -roster names
// another.
const RosterFile = "roster.csv"

// RosterEntry is one student of a roster: the folder of their submission and
// who they are in the school's and the LMS's records.
type RosterEntry struct {
	Folder  string // the student's folder in the submissions folder
	Name    string // full name
	ID      string // the school's student ID (Canvas: SIS User ID; Moodle: ID number)
	Email   string
	LMSID   string // the LMS's own user ID (Canvas: ID)
	Login   string // the school's login (Canvas: SIS Login ID; Moodle: username)
	Section string
	// Submitted is when the student handed in, as the LMS recorded it (zero:
	// unknown; the newest time of the submission's files is used).
	Submitted time.Time
	// Due is this student's own deadline (an extension); zero: the class's.
	Due time.Time
	// Line is the entry's line in the roster file.
	Line int
}

// rosterColumns are the header names a roster may use, by field
// (case-insensitive; the first is what WriteRoster writes).
var rosterColumns = []struct {
	field string
	names []string
}{
	{"folder", []string{"folder", "directory", "dir"}},
	{"name", []string{"name", "full name", "student", "student name"}},
	{"id", []string{"id", "student_id", "student id", "sis_id", "sis user id", "id number", "idnumber"}},
	{"email", []string{"email", "email address", "e-mail"}},
	{"lms_id", []string{"lms_id", "canvas_id", "canvas id", "user_id", "user id", "userid"}},
	{"login", []string{"login", "sis_login", "sis login id", "username"}},
	{"section", []string{"section"}},
	{"submitted", []string{"submitted", "submitted_at", "submission time"}},
	{"due", []string{"due", "due_at", "deadline"}},
}

// ReadRoster reads a roster CSV: a header naming its columns (folder is
// required; name, id, email, lms_id, login, section, submitted and due are
// optional; see rosterColumns for the other names each may have), then one
// row per student. Times are RFC 3339 (2026-12-01T23:59:00+08:00) or
// "2006-01-02 15:04[:05]" in loc. Every mistake is reported at once, each with
// its line.
func ReadRoster(path string, loc *time.Location) (map[string]*RosterEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("grader.ReadRoster: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	col := map[string]int{}
	out := map[string]*RosterEntry{}
	var mistakes []string
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("grader.ReadRoster: %s: %w", path, err)
		}
		if line == 1 {
			for i, h := range rec {
				h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
				for _, c := range rosterColumns {
					if _, done := col[c.field]; !done && containsFold(c.names, h) {
						col[c.field] = i
					}
				}
			}
			if _, ok := col["folder"]; !ok {
				return nil, fmt.Errorf("grader.ReadRoster: %s line 1: got header %q, want a folder column (folder,name,id,email,lms_id,login,section,submitted,due)", path, strings.Join(rec, ","))
			}
			continue
		}
		get := func(field string) string {
			if i, ok := col[field]; ok && i < len(rec) {
				return strings.TrimSpace(csvUncell(rec[i]))
			}
			return ""
		}
		e := &RosterEntry{Folder: get("folder"), Name: get("name"), ID: get("id"), Email: get("email"), LMSID: get("lms_id"),
			Login: get("login"), Section: get("section"), Line: line}
		if e.Folder == "" {
			if strings.Join(rec, "") != "" {
				mistakes = append(mistakes, fmt.Sprintf("line %d: no folder", line))
			}
			continue
		}
		for _, t := range []struct {
			field string
			dst   *time.Time
		}{{"submitted", &e.Submitted}, {"due", &e.Due}} {
			if s := get(t.field); s != "" {
				v, err := ParseTime(s, loc)
				if err != nil {
					mistakes = append(mistakes, fmt.Sprintf("line %d: %s: %v", line, t.field, err))
				}
				*t.dst = v
			}
		}
		if prev := out[e.Folder]; prev != nil {
			mistakes = append(mistakes, fmt.Sprintf("line %d: folder %q is also on line %d", line, DisplayName(e.Folder), prev.Line))
			continue
		}
		out[e.Folder] = e
	}
	if len(mistakes) > 0 {
		return nil, fmt.Errorf("grader.ReadRoster: %s has %d mistakes (fix them, then grade again):\n  %s", path, len(mistakes), strings.Join(mistakes, "\n  "))
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// WriteRoster writes a roster CSV with every column ReadRoster knows, in the
// order of entries. Cells a spreadsheet would read as a formula start with a
// single quote (csvCell), as in every CSV the grader writes.
func WriteRoster(w io.Writer, entries []*RosterEntry) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(rosterColumns))
	for i, c := range rosterColumns {
		header[i] = c.names[0]
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	tm := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for _, e := range entries {
		row := []string{e.Folder, e.Name, e.ID, e.Email, e.LMSID, e.Login, e.Section, tm(e.Submitted), tm(e.Due)}
		for i := range row {
			row[i] = csvCell(DisplayName(row[i]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// timeLayouts are the forms ParseTime accepts besides RFC 3339.
var timeLayouts = []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// ParseTime reads a deadline or a submission time: RFC 3339
// (2026-12-01T23:59:00+08:00, or without seconds) or a time without a zone
// ("2026-12-01 23:59", "2026-12-01" meaning its end, 23:59:59), read in loc
// (nil: the local time zone).
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			if l == "2006-01-02" {
				t = t.Add(24*time.Hour - time.Second)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("got %q, want a time such as 2026-12-01T23:59:00+08:00 or 2026-12-01 23:59", s)
}

// lateInfo is how late one student handed in.
type lateInfo struct {
	submitted, due time.Time
	source         string // where submitted comes from: "roster" or "files"
	days           int
	fraction       float64
}

// lateFor applies the late rule to one student.
func lateFor(p LatePolicy, r *StudentResult, e *RosterEntry) lateInfo {
	li := lateInfo{submitted: r.Submitted, due: p.Deadline, source: "files"}
	if e != nil && !e.Submitted.IsZero() {
		li.submitted, li.source = e.Submitted, "roster"
	}
	if e != nil && !e.Due.IsZero() {
		li.due = e.Due
	}
	if !p.Active() || li.submitted.IsZero() || li.due.IsZero() || r.NotGraded != "" {
		return li
	}
	over := li.submitted.Sub(li.due.Add(time.Duration(p.GraceMinutes) * time.Minute))
	if over <= 0 {
		return li
	}
	li.days = int(math.Ceil(over.Hours() / 24))
	most := p.Max
	if most == 0 {
		most = 1
	}
	li.fraction = math.Min(most, float64(li.days)*p.PerDay)
	return li
}

// readRoster reads the course's roster, if it has one.
func (v *classView) readRoster() (map[string]*RosterEntry, error) {
	if v.course.Roster == "" {
		return map[string]*RosterEntry{}, nil
	}
	loc := time.Local
	if !v.course.Late.Deadline.IsZero() {
		loc = v.course.Late.Deadline.Location()
	}
	r, err := ReadRoster(v.course.Roster, loc)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("grader: the roster %s is gone (grade with -roster FILE to name another, or -roster none)", v.course.Roster)
	}
	return r, err
}

// lateText says how late a student was, in the reports' words, or "".
func (li lateInfo) text(p LatePolicy) string {
	if li.days == 0 {
		return ""
	}
	return fmt.Sprintf("迟交 / late: %d 天 / day(s) after %s (submitted %s, from the %s) × %s%% = −%s%%",
		li.days, li.due.Format("2006-01-02 15:04 MST"), li.submitted.In(li.due.Location()).Format("2006-01-02 15:04 MST"),
		map[string]string{"roster": "roster", "files": "files' times"}[li.source], points(p.PerDay*100), points(li.fraction*100))
}
