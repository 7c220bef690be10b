package grader

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
)

// LMS gradebook imports. Both files hold one row per student of OUT with the
// total every report shows (automatic + manual − late penalty), the student
// identified by the roster, and are refused (nothing written) when a student
// has no identity the LMS can match.
//
//   - Canvas (Grades › Import): the columns of Canvas's own gradebook export,
//     Student, ID, SIS User ID, SIS Login ID, Section, then the assignment,
//     and a "Points Possible" row; Canvas matches a student by ID (the roster's
//     lms_id, which `d2l import` takes from Canvas's file names), SIS User ID
//     (id) or SIS Login ID (login). A column named "Name (number)" updates
//     that existing assignment; another name makes a new one.
//   - Moodle (Grades › Import › CSV file): Full name, Email address, ID number,
//     the grade, Feedback; when importing, map "Email address" (or "ID
//     number") to the user field and the grade column to the grade item.

// ExportFormats are the gradebook imports ExportGrades writes.
var ExportFormats = []string{"canvas", "moodle"}

// ExportGrades returns OUT's totals as the gradebook import file of an LMS
// ("canvas" or "moodle") for the assignment named assignment, and the
// warnings a teacher should read first (manual items not scored yet).
func ExportGrades(out, lms, assignment string) ([]byte, []string, error) {
	const fn = "grader.ExportGrades"
	cat, err := ReadClassCatalog(out)
	if err != nil {
		return nil, nil, err
	}
	v, err := loadView(out, cat)
	if err != nil {
		return nil, nil, err
	}
	if len(v.manual.summary.Mistakes) > 0 {
		return nil, nil, &ManualError{File: v.manual.path, Mistakes: v.manual.summary.Mistakes}
	}
	if assignment == "" {
		assignment = "d2l chapter 6"
	}
	var warnings []string
	if v.manual.summary.Empty > 0 {
		warnings = append(warnings, fmt.Sprintf("%d manual scores are still empty: they count 0 in these totals", v.manual.summary.Empty))
	}
	var missing []string
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cell := func(s string) string { return csvCell(DisplayName(s)) }
	max := 0.0
	for _, e := range v.set {
		max += float64(e.MaxPoints())
	}
	switch lms {
	case "canvas":
		_ = cw.Write([]string{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment})
		_ = cw.Write([]string{"Points Possible", "", "", "", "", points(max)})
	case "moodle":
		_ = cw.Write([]string{"Full name", "Email address", "ID number", assignment, "Feedback"})
	default:
		return nil, nil, fmt.Errorf("%s: argument lms: got %q, want one of %s", fn, lms, strings.Join(ExportFormats, ", "))
	}
	for _, r := range v.students {
		e := v.roster[r.Student]
		if e == nil {
			e = &RosterEntry{Folder: r.Student}
		}
		t := v.totals[r.Student]
		name := e.Name
		if name == "" {
			name = r.Student
		}
		switch lms {
		case "canvas":
			if e.LMSID == "" && e.ID == "" && e.Login == "" {
				missing = append(missing, DisplayName(r.Student))
				continue
			}
			_ = cw.Write([]string{cell(name), cell(e.LMSID), cell(e.ID), cell(e.Login), cell(e.Section), points(t.Total)})
		case "moodle":
			if e.Email == "" && e.ID == "" {
				missing = append(missing, DisplayName(r.Student))
				continue
			}
			_ = cw.Write([]string{cell(name), cell(e.Email), cell(e.ID), points(t.Total), csvCell(TotalsLine(t))})
		}
	}
	cw.Flush()
	if len(missing) > 0 {
		need := "lms_id (Canvas's user ID), id (SIS User ID) or login (SIS Login ID)"
		if lms == "moodle" {
			need = "email or id (Moodle's ID number)"
		}
		where := "the roster"
		if v.course.Roster != "" {
			where = v.course.Roster
		}
		return nil, nil, fmt.Errorf("%s: %d students have no %s in %s, so %s could not match them: %s (fill their rows, then export again; `d2l grade -reports -out OUT -roster FILE` names another roster)",
			fn, len(missing), need, where, lms, strings.Join(missing, ", "))
	}
	return buf.Bytes(), warnings, cw.Error()
}
