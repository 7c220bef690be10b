package grader

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ManualScoresFile is the template of the teacher's manual scores that WriteReports
// writes next to the gradebook (never over an existing one): a row per student and manual
// item, with the points and the comment left empty.
const ManualScoresFile = "manual_scores.csv"

// manualHeader is the header of a manual scores file.
var manualHeader = []string{"student", "exercise", "points", "comment"}

// commentMarker separates a manual item's answer and rubric from the teacher's comment in
// results.json.
const commentMarker = "\n\nComment / 评语:\n"

// writeManualTemplate writes OUT/manual_scores.csv unless it exists (a teacher may have
// filled it in already).
func writeManualTemplate(out string, cat *Catalog, results []*StudentResult) error {
	path := filepath.Join(out, ManualScoresFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	_ = cw.Write(manualHeader)
	for _, r := range results {
		for _, e := range cat.Exercises {
			if e.Kind == KindManual {
				_ = cw.Write([]string{studentCell(r.Student), e.ID, "", ""})
			}
		}
	}
	cw.Flush()
	return errors.Join(cw.Error(), f.Close())
}

// manualScore is one validated row of a manual scores file.
type manualScore struct {
	student, exercise, comment string
	points                     float64
}

// ApplyManualScores merges a teacher's manual scores (a CSV with the columns student,
// exercise, points, comment; rows with empty points are skipped) into the output folder of
// `d2l grade`: the item's cell, the manual and total columns of gradebook.csv, and the
// item's score and comment in the student's results.json (whose score then counts it).
// Every row is checked first — a known student, a manual item of the catalog, 0 <= points
// <= the item's maximum, no row twice — and nothing is written unless all are right.
// Applying a file again, or another file for other items, gives the same result.
func ApplyManualScores(out string, cat *Catalog, scoresPath string) error {
	const fn = "grader.ApplyManualScores"
	header, rows, err := readGradebook(filepath.Join(out, GradebookFile))
	if err != nil {
		return fmt.Errorf("%s: argument out: %w (grade the class into it first)", fn, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"student", "auto", "manual", "total"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s: %s has no %q column (written by an older d2l grade?)", fn, GradebookFile, need)
		}
	}
	// Students are named as the gradebook names them (studentCell), with or
	// without the quote a spreadsheet may have dropped.
	rowOf := map[string][]string{}
	for _, r := range rows {
		rowOf[csvUncell(r[0])] = r
	}
	report, ok := col["report"]
	if !ok {
		return fmt.Errorf("%s: %s has no \"report\" column (written by an older d2l grade?)", fn, GradebookFile)
	}
	f, err := os.Open(scoresPath)
	if err != nil {
		return fmt.Errorf("%s: argument scores: %w", fn, err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	var scores []manualScore
	seen := map[[2]string]int{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", fn, scoresPath, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) > 0 {
			rec[0] = csvUncell(rec[0])
		}
		if line == 1 {
			if len(rec) < 3 || !strings.EqualFold(strings.TrimPrefix(rec[0], "\ufeff"), "student") || !strings.EqualFold(rec[1], "exercise") || !strings.EqualFold(rec[2], "points") {
				return fmt.Errorf("%s: %s line 1: got header %q, want student,exercise,points,comment", fn, scoresPath, strings.Join(rec, ","))
			}
			continue
		}
		if len(rec) < 3 || rec[0] == "" && rec[1] == "" {
			continue
		}
		where := fmt.Sprintf("%s line %d", scoresPath, line)
		if rowOf[rec[0]] == nil {
			return fmt.Errorf("%s: %s: got student %q, want one of the gradebook's students", fn, where, rec[0])
		}
		e := cat.Find(rec[1])
		if e == nil || e.Kind != KindManual {
			return fmt.Errorf("%s: %s: got exercise %q, want a manual item of the catalog (e.g. 6.3-3)", fn, where, rec[1])
		}
		if rec[2] == "" {
			continue // not graded yet
		}
		p, err := strconv.ParseFloat(rec[2], 64)
		if err != nil || p < 0 || p > float64(e.MaxPoints()) {
			return fmt.Errorf("%s: %s: got %q points for %s, want a number from 0 to %d", fn, where, rec[2], e.ID, e.MaxPoints())
		}
		key := [2]string{rec[0], e.ID}
		if prev, ok := seen[key]; ok {
			return fmt.Errorf("%s: %s: %s of %s is scored twice (lines %d and %d)", fn, where, e.ID, rec[0], prev, line)
		}
		seen[key] = line
		comment := ""
		if len(rec) > 3 {
			comment = rec[3]
		}
		scores = append(scores, manualScore{student: rec[0], exercise: e.ID, points: p, comment: comment})
	}
	// Read every results.json that changes before writing anything.
	results := map[string]*Gradescope{}
	for _, s := range scores {
		if results[s.student] != nil {
			continue
		}
		path := filepath.Join(out, reportFolder(rowOf[s.student][report]), "results.json")
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", fn, err)
		}
		var g Gradescope
		if err := json.Unmarshal(b, &g); err != nil {
			return fmt.Errorf("%s: %s: %w", fn, path, err)
		}
		results[s.student] = &g
	}
	for _, s := range scores {
		c, ok := col[s.exercise+" (manual)"]
		if !ok {
			return fmt.Errorf("%s: %s has no column for %s", fn, GradebookFile, s.exercise)
		}
		rowOf[s.student][c] = strconv.FormatFloat(s.points, 'f', -1, 64)
		g := results[s.student]
		found := false
		for i := range g.Tests {
			t := &g.Tests[i]
			if !strings.HasPrefix(t.Name, s.exercise+" ") || !slices.Contains(t.Tags, "manual") {
				continue
			}
			p := s.points
			t.Score = &p
			t.Output, _, _ = strings.Cut(t.Output, commentMarker)
			if s.comment != "" {
				t.Output += commentMarker + s.comment
			}
			found = true
		}
		if !found {
			return fmt.Errorf("%s: %s's results.json has no manual item %s", fn, s.student, s.exercise)
		}
	}
	// Totals: the automatic points plus every manual cell of the row.
	for _, r := range rows {
		sum, any := 0.0, false
		for h, i := range col {
			if strings.HasSuffix(h, " (manual)") && r[i] != "" {
				v, _ := strconv.ParseFloat(r[i], 64)
				sum, any = sum+v, true
			}
		}
		if !any {
			continue
		}
		auto, _ := strconv.ParseFloat(r[col["auto"]], 64)
		r[col["manual"]] = strconv.FormatFloat(sum, 'f', -1, 64)
		r[col["total"]] = strconv.FormatFloat(auto+sum, 'f', -1, 64)
	}
	for student, g := range results {
		total := 0.0
		for _, t := range g.Tests {
			if t.Score != nil {
				total += *t.Score
			}
		}
		g.Score = total
		b, _ := json.MarshalIndent(g, "", "  ")
		if err := os.WriteFile(filepath.Join(out, reportFolder(rowOf[student][report]), "results.json"), append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("%s: %w", fn, err)
		}
	}
	gb, err := os.Create(filepath.Join(out, GradebookFile))
	if err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	cw := csv.NewWriter(gb)
	_ = cw.Write(header)
	_ = cw.WriteAll(rows)
	return errors.Join(cw.Error(), gb.Close())
}

// reportFolder is the report folder a gradebook row names, or "" (refused by
// the caller's file operations) when the cell is not one ReportDir can give.
func reportFolder(cell string) string {
	if cell == "" || cell != filepath.Base(cell) || cell == "." || cell == ".." || strings.HasPrefix(cell, ".") {
		return "\x00invalid"
	}
	return cell
}
