package grader

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ManualScoresFile is the teacher's manual scores in the output folder
// (OUT/manual_scores.csv): one row per student and manual item, which the
// teacher fills in. It is the only copy of those scores: every report is
// rebuilt from it after every grading run and every -manual, so an empty
// points cell means "not scored" everywhere, at once. Grading adds the rows
// of new students and items and refreshes the columns it owns in the rows not
// scored yet (max, answer, answer_id); it never changes a cell the teacher
// fills (points, comment) or a row's place.
//
// Columns: student, exercise, max, points, comment, answer (the start of the
// student's answer, to find it), answer_id (which answer the row was written
// for). A scored row keeps the answer_id and max it was scored against: when
// the student's answer, or the item's points, changed since, the score still
// counts and is flagged until the teacher empties answer_id (or sets it, or
// max, to the new value). Other columns a teacher adds are kept.
const ManualScoresFile = "manual_scores.csv"

// manualColumns are the columns of manual_scores.csv, in the template's order.
var manualColumns = []string{"student", "exercise", "max", "points", "comment", "answer", "answer_id"}

// ManualSummary is what merging the manual scores found.
type ManualSummary struct {
	File         string   // the scores file read
	Applied      int      // items with points
	Empty        int      // items without points (still to score)
	CommentsOnly int      // rows with a comment and no points (shown as comments)
	Cleared      int      // items scored in the previous gradebook and empty now
	Changed      int      // items whose points differ from the previous gradebook's
	Added        int      // rows grading added (new students or items)
	Flagged      []string // scores given to an answer that changed since, one line each
	Mistakes     []string // every mistake of the file, one line each ("line 14: …")
}

// String is the summary in one line, then one line per flag and mistake.
func (m ManualSummary) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "manual scores (%s): %d applied, %d still empty", m.File, m.Applied, m.Empty)
	if m.Changed > 0 {
		fmt.Fprintf(&sb, ", %d changed", m.Changed)
	}
	if m.Cleared > 0 {
		fmt.Fprintf(&sb, ", %d cleared", m.Cleared)
	}
	if m.CommentsOnly > 0 {
		fmt.Fprintf(&sb, ", %d comments without points (shown to the students, not scored)", m.CommentsOnly)
	}
	if m.Added > 0 {
		fmt.Fprintf(&sb, "; %d rows added for new students or items", m.Added)
	}
	for _, f := range m.Flagged {
		sb.WriteString("\n  check: " + f)
	}
	for _, x := range m.Mistakes {
		sb.WriteString("\n  mistake: " + x)
	}
	return sb.String()
}

// ManualError lists every mistake of a manual scores file; nothing was merged.
type ManualError struct {
	File     string   // the manual scores file, as given
	Mistakes []string // one line per mistake: the row's line number and what is wrong
}

// Error lists the mistakes, one per line, and says that nothing was merged.
func (e *ManualError) Error() string {
	return fmt.Sprintf("%s has %d mistakes; nothing was merged. Fix them and run -manual again:\n  %s", e.File, len(e.Mistakes), strings.Join(e.Mistakes, "\n  "))
}

// manualCell is one student's score of one manual item.
type manualCell struct {
	points  *float64
	comment string
	line    int    // its row's line in manual_scores.csv
	flag    string // why the teacher should look at it again, or ""
	mistake string // why its row was not applied, or ""
}

// manualRow is one row of a manual scores file, as read.
type manualRow struct {
	rec     []string
	line    int
	student string // the student's real name ("" when unknown)
	item    string // the exercise id ("" when unknown)
	cell    *manualCell
}

// manualScores is manual_scores.csv, read and checked against the class.
type manualScores struct {
	path    string
	exists  bool
	broken  bool // unreadable or without the required columns: never rewritten
	header  []string
	col     map[string]int
	rows    []*manualRow
	cells   map[[2]string]*manualCell // (student, item)
	summary ManualSummary
}

// cell returns a student's score of an item, or nil when no valid row has one.
func (m *manualScores) cell(student, item string) *manualCell {
	return m.cells[[2]string{student, item}]
}

// answerID names one answer: "a" and 8 hex digits of its SHA-256, or "none".
func answerID(a string) string {
	if strings.TrimSpace(a) == "" {
		return "none"
	}
	h := sha256.Sum256([]byte(a))
	return "a" + hex.EncodeToString(h[:4])
}

// excerpt is the start of an answer on one line, for the CSV.
func excerpt(a string) string {
	s := strings.Join(strings.Fields(plainText(a)), " ")
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return s
}

// parseManualCSV reads a manual scores file: its header (which must name
// student, exercise and points) and its rows, with their first lines.
func parseManualCSV(data []byte, name string) (header []string, col map[string]int, rows []*manualRow, err error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	all, err := cr.ReadAll()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(all) == 0 {
		return nil, nil, nil, fmt.Errorf("%s is empty: want a header student,exercise,points,comment", name)
	}
	header = all[0]
	col = map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, need := range []string{"student", "exercise", "points"} {
		if _, ok := col[need]; !ok {
			return nil, nil, nil, fmt.Errorf("%s line 1: got header %q, want the columns student, exercise, points (and comment)", name, strings.Join(header, ","))
		}
	}
	// The line each record starts on.
	cr = csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		line, _ := cr.FieldPos(0)
		if i > 0 {
			rows = append(rows, &manualRow{rec: rec, line: line})
		}
	}
	return header, col, rows, nil
}

// get returns a row's cell of a column, trimmed ("" when absent).
func (r *manualRow) get(col map[string]int, name string) string {
	if i, ok := col[name]; ok && i < len(r.rec) {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}

// set sets a row's cell of a column, growing the row as needed.
func (r *manualRow) set(col map[string]int, name, value string) {
	i := col[name]
	for len(r.rec) <= i {
		r.rec = append(r.rec, "")
	}
	r.rec[i] = value
}

// parsePoints reads a points cell: a number (a decimal comma is accepted).
func parsePoints(s string) (float64, bool) {
	if !strings.Contains(s, ".") && strings.Count(s, ",") == 1 {
		s = strings.Replace(s, ",", ".", 1)
	}
	p, err := strconv.ParseFloat(s, 64)
	return p, err == nil && !math.IsNaN(p) && !math.IsInf(p, 0)
}

// checkRows checks each row of a scores file against the class and sets its
// student, item and cell; it returns every mistake ("line N: …").
func (v *classView) checkRows(col map[string]int, rows []*manualRow, answers map[string]map[string]string) []string {
	byName := map[string]string{} // the name as the CSV shows it -> the student
	for _, r := range v.students {
		byName[DisplayName(r.Student)] = r.Student
	}
	inSet := map[string]bool{}
	for _, e := range v.set {
		inSet[e.ID] = true
	}
	var mistakes []string
	seen := map[[2]string]int{}
	for _, row := range rows {
		who, item, pts, comment := csvUncell(row.get(col, "student")), row.get(col, "exercise"), row.get(col, "points"), row.get(col, "comment")
		if who == "" && item == "" && pts == "" && comment == "" {
			continue
		}
		bad := func(format string, args ...any) {
			msg := fmt.Sprintf("line %d: ", row.line) + fmt.Sprintf(format, args...)
			mistakes = append(mistakes, msg)
			if row.cell != nil {
				row.cell.mistake = msg
			}
		}
		student, ok := byName[who]
		if !ok {
			bad("got student %q, want one of the class's students (the gradebook's student column)", who)
			continue
		}
		e := v.cat.Find(item)
		switch {
		case e == nil || e.Kind != KindManual:
			bad("got exercise %q, want a manual item of the catalog (e.g. 6.3-3)", item)
			continue
		case !inSet[e.ID]:
			bad("%s was not graded in this folder (grade it with -only %s first)", e.ID, e.ID)
			continue
		}
		row.student, row.item = student, e.ID
		row.cell = &manualCell{comment: comment, line: row.line}
		key := [2]string{student, e.ID}
		if prev, dup := seen[key]; dup {
			bad("%s of %s is scored twice (lines %d and %d)", e.ID, DisplayName(student), prev, row.line)
			continue
		}
		seen[key] = row.line
		if pts != "" {
			p, ok := parsePoints(pts)
			if !ok || p < 0 || p > float64(e.MaxPoints()) {
				bad("got %q points for %s of %s, want a number from 0 to %d", pts, e.ID, DisplayName(student), e.MaxPoints())
				continue
			}
			row.cell.points = &p
			if was := row.get(col, "max"); was != "" && was != strconv.Itoa(e.MaxPoints()) {
				row.cell.flag = fmt.Sprintf("%s of %s (%s line %d): the item was worth %s points when this row was scored and is worth %d now; the score (%s) still counts. Check it, then set max to %d",
					e.ID, DisplayName(student), ManualScoresFile, row.line, was, e.MaxPoints(), points(p), e.MaxPoints())
			}
			if id := row.get(col, "answer_id"); id != "" {
				if now := answerID(answers[student][e.ID]); id != now {
					row.cell.flag = fmt.Sprintf("%s of %s (%s line %d): the answer changed after this row was written; the score (%s) still counts. Read the new answer in %s/%s.md, then set answer_id to %s (or empty it) to keep the score, or change it",
						e.ID, DisplayName(student), ManualScoresFile, row.line, points(p), ManualDir, e.ID, now)
				}
			}
		}
	}
	return mistakes
}

// readManualScores reads OUT/manual_scores.csv (if any) and checks it against
// the class; data, when not nil, stands in for the file's content.
func readManualScores(v *classView, data ...[]byte) (*manualScores, error) {
	m := &manualScores{path: filepath.Join(v.out, ManualScoresFile), cells: map[[2]string]*manualCell{}}
	m.summary.File = m.path
	var b []byte
	var err error
	if len(data) > 0 && data[0] != nil {
		b, m.exists = data[0], true
	} else if b, err = os.ReadFile(m.path); err == nil {
		m.exists = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	answers := v.answers()
	if m.exists {
		m.header, m.col, m.rows, err = parseManualCSV(b, ManualScoresFile)
		if err != nil {
			m.broken = true
			m.summary.Mistakes = append(m.summary.Mistakes, err.Error())
		} else {
			m.summary.Mistakes = v.checkRows(m.col, m.rows, answers)
			for _, row := range m.rows {
				if row.cell != nil && row.cell.mistake == "" {
					m.cells[[2]string{row.student, row.item}] = row.cell
				}
			}
		}
	}
	// Mistakes leave the item unscored in the reports, with the mistake shown to the teacher.
	for _, row := range m.rows {
		if row.cell != nil && row.cell.mistake != "" {
			if _, ok := m.cells[[2]string{row.student, row.item}]; !ok {
				m.cells[[2]string{row.student, row.item}] = &manualCell{line: row.line, mistake: row.cell.mistake}
			}
			v.flag(row.student, row.item+": "+ManualScoresFile+" "+row.cell.mistake)
		}
	}
	prev := previousManual(filepath.Join(v.out, GradebookFile))
	for _, r := range v.students {
		for _, e := range v.set {
			if e.Kind != KindManual {
				continue
			}
			c := m.cell(r.Student, e.ID)
			was, had := prev[[2]string{DisplayName(r.Student), e.ID}]
			switch {
			case c != nil && c.points != nil:
				m.summary.Applied++
				if had && was != points(*c.points) {
					m.summary.Changed++
				}
			default:
				m.summary.Empty++
				if had {
					m.summary.Cleared++
				}
			}
			if c != nil && c.points == nil && c.comment != "" && c.mistake == "" {
				m.summary.CommentsOnly++
			}
			if c != nil && c.flag != "" {
				m.summary.Flagged = append(m.summary.Flagged, c.flag)
				v.flag(r.Student, c.flag)
			}
		}
	}
	return m, nil
}

// answers returns every student's answers to the manual items.
func (v *classView) answers() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range v.students {
		out[r.Student] = map[string]string{}
		for _, e := range r.Exercises {
			if e.Kind == KindManual {
				out[r.Student][e.ID] = e.Answer
			}
		}
	}
	return out
}

// previousManual reads the manual cells of the gradebook OUT had before, by
// (student as shown, item); a cell with no points is left out.
func previousManual(path string) map[[2]string]string {
	out := map[[2]string]string{}
	header, rows, err := readGradebook(path)
	if err != nil {
		return out
	}
	for _, row := range rows {
		if len(row) == 0 || row[0] == "" {
			continue
		}
		for i, h := range header {
			if id, ok := strings.CutSuffix(h, " (manual)"); ok && i < len(row) && row[i] != "" {
				out[[2]string{csvUncell(row[0]), id}] = row[i]
			}
		}
	}
	return out
}

// write writes manual_scores.csv: the teacher's rows as they are (their
// points and comments never change), the columns grading owns refreshed, and
// a row for every student and manual item that has none. A file that could not
// be read, or that has mistakes, is left as it is.
func (m *manualScores) write(v *classView) error {
	if m.broken || len(m.summary.Mistakes) > 0 {
		return nil
	}
	if !m.exists {
		m.header, m.col = append([]string(nil), manualColumns...), map[string]int{}
		for i, h := range m.header {
			m.col[h] = i
		}
	}
	for _, c := range manualColumns {
		if _, ok := m.col[c]; !ok {
			m.col[c] = len(m.header)
			m.header = append(m.header, c)
		}
	}
	answers := v.answers()
	have := map[[2]string]bool{}
	for _, row := range m.rows {
		if row.item == "" {
			continue
		}
		have[[2]string{row.student, row.item}] = true
		e := v.cat.Find(row.item)
		if row.get(m.col, "points") == "" || row.get(m.col, "max") == "" {
			row.set(m.col, "max", strconv.Itoa(e.MaxPoints())) // a scored row keeps the max it was scored against
		}
		if row.get(m.col, "points") == "" && row.get(m.col, "comment") == "" {
			a := answers[row.student][row.item]
			row.set(m.col, "answer", csvCell(excerpt(a)))
			row.set(m.col, "answer_id", answerID(a))
		}
	}
	// New rows: by item, then student, so that one item's rows are together.
	for _, e := range v.set {
		if e.Kind != KindManual {
			continue
		}
		for _, r := range v.students {
			if have[[2]string{r.Student, e.ID}] || r.NotGraded != "" {
				continue
			}
			row := &manualRow{student: r.Student, item: e.ID}
			a := answers[r.Student][e.ID]
			for _, c := range []struct{ col, val string }{
				{"student", studentCell(r.Student)}, {"exercise", e.ID}, {"max", strconv.Itoa(e.MaxPoints())},
				{"points", ""}, {"comment", ""}, {"answer", csvCell(excerpt(a))}, {"answer_id", answerID(a)},
			} {
				row.set(m.col, c.col, c.val)
			}
			m.rows = append(m.rows, row)
			m.summary.Added++
		}
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(m.header)
	cw.Flush()
	line := 1 + bytes.Count(buf.Bytes(), []byte("\n"))
	for _, row := range m.rows {
		for len(row.rec) < len(m.header) {
			row.rec = append(row.rec, "")
		}
		before := buf.Len()
		_ = cw.Write(row.rec)
		cw.Flush()
		row.line = line
		if c := m.cell(row.student, row.item); c != nil && row.cell == c {
			c.line = line
		}
		line += bytes.Count(buf.Bytes()[before:], []byte("\n"))
	}
	if err := cw.Error(); err != nil {
		return err
	}
	old, err := os.ReadFile(m.path)
	if err == nil && bytes.Equal(old, buf.Bytes()) {
		return nil
	}
	if err == nil {
		// The previous version, in case a spreadsheet still had it open.
		if err := writeFileAtomic(filepath.Join(v.out, "."+ManualScoresFile+".bak"), old); err != nil {
			return err
		}
	}
	return writeFileAtomic(m.path, buf.Bytes())
}

// rowLine returns the line of a student's row for an item in the written file.
func (m *manualScores) rowLine(student, item string) int {
	for _, row := range m.rows {
		if row.student == student && row.item == item {
			return row.line
		}
	}
	return 0
}

// ApplyManualScores merges a teacher's scores file into OUT and rebuilds every
// report. A file other than OUT/manual_scores.csv (another teacher's, say)
// is checked on its own, then its rows with points or a comment are copied into
// OUT/manual_scores.csv (its empty rows change nothing there); OUT's file is
// then checked as a whole. Every mistake is reported at once (a
// *ManualError), and nothing is written unless there is none. Applying the
// same file again gives the same result.
func ApplyManualScores(out, scoresPath string) (*Summary, error) {
	const fn = "grader.ApplyManualScores"
	cat, err := ReadClassCatalog(out)
	if err != nil {
		return nil, err
	}
	canonical := filepath.Join(out, ManualScoresFile)
	same := func(a, b string) bool {
		ia, e1 := os.Stat(a)
		ib, e2 := os.Stat(b)
		return e1 == nil && e2 == nil && os.SameFile(ia, ib)
	}
	if same(scoresPath, canonical) {
		return RebuildReports(out, ReportOptions{StrictManual: true})
	}
	data, err := os.ReadFile(scoresPath)
	if err != nil {
		return nil, fmt.Errorf("%s: argument scores: %w", fn, err)
	}
	v, err := loadView(out, cat)
	if err != nil {
		return nil, err
	}
	_, col, rows, err := parseManualCSV(data, scoresPath)
	if err != nil {
		return nil, &ManualError{File: scoresPath, Mistakes: []string{err.Error()}}
	}
	if mistakes := v.checkRows(col, rows, v.answers()); len(mistakes) > 0 {
		return nil, &ManualError{File: scoresPath, Mistakes: mistakes}
	}
	base, err := os.ReadFile(canonical)
	if errors.Is(err, os.ErrNotExist) {
		base = nil
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	merged, err := mergeScoreRows(base, col, rows)
	if err != nil {
		return nil, err
	}
	return rebuildWithManual(out, cat, merged)
}

// mergeScoreRows copies the rows of another scores file that have points or a
// comment into base (OUT's manual_scores.csv, nil when there is none).
func mergeScoreRows(base []byte, col map[string]int, rows []*manualRow) ([]byte, error) {
	header := append([]string(nil), manualColumns...)
	bcol := map[string]int{}
	for i, h := range header {
		bcol[h] = i
	}
	var brows []*manualRow
	if base != nil {
		var err error
		if header, bcol, brows, err = parseManualCSV(base, ManualScoresFile); err != nil {
			return nil, &ManualError{File: ManualScoresFile, Mistakes: []string{err.Error()}}
		}
	}
	for _, c := range []string{"comment"} {
		if _, ok := bcol[c]; !ok {
			bcol[c] = len(header)
			header = append(header, c)
		}
	}
	find := func(student, item string) *manualRow {
		for _, r := range brows {
			if csvUncell(r.get(bcol, "student")) == student && r.get(bcol, "exercise") == item {
				return r
			}
		}
		return nil
	}
	for _, r := range rows {
		if r.item == "" || r.get(col, "points") == "" && r.get(col, "comment") == "" {
			continue
		}
		shown := DisplayName(r.student)
		dst := find(shown, r.item)
		if dst == nil {
			dst = &manualRow{}
			dst.set(bcol, "student", csvCell(shown))
			dst.set(bcol, "exercise", r.item)
			brows = append(brows, dst)
		}
		dst.set(bcol, "points", r.get(col, "points"))
		dst.set(bcol, "comment", r.get(col, "comment"))
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(header)
	for _, r := range brows {
		_ = cw.Write(r.rec)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}
