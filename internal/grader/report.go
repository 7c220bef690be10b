package grader

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// GradescopeTest is one entry of Gradescope's results.json "tests" list.
type GradescopeTest struct {
	Name       string   `json:"name"`
	Score      *float64 `json:"score,omitempty"`
	MaxScore   float64  `json:"max_score"`
	Status     string   `json:"status,omitempty"` // "passed" or "failed"; empty for manual items
	Output     string   `json:"output,omitempty"`
	Visibility string   `json:"visibility"`
	Tags       []string `json:"tags,omitempty"`
}

// Gradescope is Gradescope's autograder results.json.
type Gradescope struct {
	Score  float64 `json:"score"`
	Output string  `json:"output,omitempty"`
	// OutputFormat is "text": Gradescope shows every output as plain text,
	// never as Markdown or HTML, whatever a student wrote into it.
	OutputFormat string `json:"output_format,omitempty"`
	Visibility   string `json:"visibility"`
	// ExecutionTime (seconds) and StdoutVisibility are set for Gradescope's
	// own autograder (AutograderResults), not in d2l grade's reports.
	ExecutionTime    int              `json:"execution_time,omitempty"`
	StdoutVisibility string           `json:"stdout_visibility,omitempty"`
	Tests            []GradescopeTest `json:"tests"`
}

// ToGradescope converts a result to Gradescope's format: one test per test
// function ("6.3-4 TestMirrorPad1D"), hidden tests visible after publication,
// manual items with no score and their rubric as output.
func ToGradescope(r *StudentResult) Gradescope {
	g := Gradescope{Score: float64(r.Score), Visibility: "visible", OutputFormat: "text", Output: strings.TrimSpace(r.NotGraded + "\n" + strings.Join(r.AllNotes(), "\n"))}
	for _, e := range r.Exercises {
		if e.Kind == KindManual {
			g.Tests = append(g.Tests, GradescopeTest{
				Name: e.ID + " " + e.Title + "（人工评分 / manual）", MaxScore: float64(e.Max),
				Output: "Answer / 答案:\n" + answerOrNone(e.Answer) + "\n\nRubric / 评分标准:\n" + e.Rubric, Visibility: "visible", Tags: []string{"manual"},
			})
			continue
		}
		for _, t := range e.Tests {
			s := float64(t.Score)
			gt := GradescopeTest{Name: e.ID + " " + t.Name, Score: &s, MaxScore: float64(t.Max), Status: "failed", Visibility: "visible"}
			if t.Passed {
				gt.Status = "passed"
			}
			if t.Hidden {
				gt.Visibility = "after_published"
				gt.Tags = []string{"hidden"}
			}
			gt.Output = strings.TrimSpace(e.Note + "\n" + t.Output)
			if t.Passed {
				gt.Output = ""
			}
			g.Tests = append(g.Tests, gt)
		}
	}
	return g
}

// quoteAnswer shows a student's answer as quoted text: a fenced block (nothing
// in it renders) inside a block quote, or a note that there is none.
func quoteAnswer(a string) string {
	if strings.TrimSpace(a) == "" {
		return "> （未作答 / no answer）"
	}
	return quoteBlock(fenced("text", a))
}

// answerOrNone is the answer, or a note that there is none.
func answerOrNone(a string) string {
	if strings.TrimSpace(a) == "" {
		return "（未作答 / no answer）"
	}
	return a
}

// quoteBlock quotes s as a Markdown block quote.
func quoteBlock(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

func indentBlock(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n… (cut)"
}

// GradebookFile is the gradebook WriteReports writes into the output folder.
const GradebookFile = "gradebook.csv"

var plainNameRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._@+-]{0,99}$`)

// reservedNames are the grader's own files and folders in the output folder.
var reservedNames = []string{GradebookFile, CatalogFile, CourseFile, ManualDir, StatsFile, StatsDir, SimilarityFile, SimilarityHTML,
	ShardFile, "canvas.csv", "moodle.csv", RosterFile}

// ReportDir is the folder of a student's reports inside the output folder:
// the student's folder name when it is plain (letters, digits, ._@+-, not
// starting with a dot) and not the name of one of the grader's own files or
// folders (gradebook.csv, manual, stats, …); otherwise "_" with the plain
// part of the name and a hash, so that no student name can collide with the
// grader's own files or another student's reports.
func ReportDir(student string) string {
	if plainNameRE.MatchString(student) && !slices.ContainsFunc(reservedNames, func(n string) bool { return strings.EqualFold(n, student) }) {
		return student
	}
	var sb strings.Builder
	for _, r := range student {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-+@", r) {
			sb.WriteRune(r)
		}
		if sb.Len() > 60 {
			break
		}
	}
	h := sha256.Sum256([]byte(student))
	return "_" + sb.String() + "-" + hex.EncodeToString(h[:4])
}

// CheckFolders refuses an output folder inside the submissions folder or the
// reverse (reports would land among the submissions, or be graded as one).
func CheckFolders(submissions, out string) error {
	a, err1 := filepath.Abs(submissions)
	b, err2 := filepath.Abs(out)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("grader.CheckFolders: %w", err)
	}
	if r, err := filepath.EvalSymlinks(a); err == nil {
		a = r
	}
	if r, err := filepath.EvalSymlinks(b); err == nil {
		b = r
	}
	within := func(x, dir string) bool {
		rel, err := filepath.Rel(dir, x)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
	}
	switch {
	case within(b, a):
		return fmt.Errorf("grader.CheckFolders: -out %s is inside -submissions %s; choose an output folder outside the submissions", out, submissions)
	case within(a, b):
		return fmt.Errorf("grader.CheckFolders: -submissions %s is inside -out %s; choose an output folder outside the submissions", submissions, out)
	}
	return nil
}

// CheckReport prints the result of `d2l check`: per exercise PASS/FAIL with
// points and the outcome in grading's words, the got/want of failing tests,
// how many hidden tests remain, and the notes (a file that did not compile
// costs only its exercise, as in grading).
func CheckReport(w io.Writer, r *StudentResult) {
	hidden := 0
	for _, e := range r.Exercises {
		if e.Kind == KindManual {
			continue
		}
		mark := "PASS"
		if e.Score < e.Max || e.Max == 0 {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s %-6s %s  %d/%d points", mark, e.ID, e.Title, e.Score, e.Max)
		if mark == "FAIL" {
			fmt.Fprintf(w, "  (%s)", strings.SplitN(status(e, nil), " / ", 2)[1])
		}
		if e.HiddenRemaining > 0 {
			fmt.Fprintf(w, "  (+%d hidden tests at grading)", e.HiddenRemaining)
		}
		fmt.Fprintln(w)
		hidden += e.HiddenRemaining
		if e.Note != "" && mark == "FAIL" {
			fmt.Fprintln(w, indentBlock(truncate(e.Note, 2000)))
		}
		if status(e, nil) == "未完成 / not written yet" {
			continue
		}
		for _, t := range e.Tests {
			if !t.Passed && !strings.HasPrefix(t.Output, "not run:") {
				fmt.Fprintf(w, "  FAIL %s (%d points)\n%s\n", t.Name, t.Max, indentBlock(indentBlock(truncate(t.Output, 1500))))
			}
		}
	}
	for _, n := range r.AllNotes() {
		fmt.Fprintln(w, "note:", n)
	}
	fmt.Fprintf(w, "\npublic tests: %d/%d points; %d hidden tests remain (run only when graded)\n", r.Score, r.Max, hidden)
}
