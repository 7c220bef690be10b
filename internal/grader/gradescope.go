package grader

import (
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// AutograderResults is the results.json of one submission graded by Gradescope's
// autograder: ToGradescope's tests (hidden tests visible after publication),
// with the run's execution time, run_autograder's stdout for instructors
// only, and the manual items as tests worth 0 points that show the student's
// answer: Gradescope scores them in manual questions (ManualQuestions), so
// the autograder's score and maximum stay the automatic ones.
func AutograderResults(r *StudentResult, elapsed time.Duration) Gradescope {
	g := ToGradescope(r)
	g.ExecutionTime = executionTime(elapsed)
	g.StdoutVisibility = "hidden"
	summary := fmt.Sprintf("自动评分 / automatic: %d / %d", r.Score, r.Max)
	if r.Manual > 0 {
		summary += fmt.Sprintf("；人工评分题由老师另评，满分 %d 分 / manual questions: graded by hand, %d points possible", r.Manual, r.Manual)
	}
	g.Output = strings.TrimSpace(summary + "\n" + g.Output)
	zero := 0.0
	for i, t := range g.Tests {
		if t.Score != nil {
			continue
		}
		e := r.exercise(strings.Fields(t.Name)[0])
		if e == nil {
			continue
		}
		t.Score, t.MaxScore = &zero, 0
		t.Name = fmt.Sprintf("%s %s（人工评分 / manual question, %d 分）", e.ID, e.Title, e.Max)
		t.Output = "Answer / 答案:\n" + answerOrNone(e.Answer) + fmt.Sprintf("\n\n由老师按评分标准人工评分（Gradescope 的人工评分题 %s）/ graded by hand in the Gradescope question %s.", e.ID, e.ID)
		g.Tests[i] = t
	}
	return g
}

// AutograderFailure is the results.json of a submission the autograder could
// not grade: score 0 and why, which Gradescope shows the student (it shows
// nothing at all when there is no results.json).
func AutograderFailure(why string, elapsed time.Duration) Gradescope {
	return Gradescope{
		Output: "评分程序出错，未能评分 / The autograder could not grade this submission:\n" + why +
			"\n\n请告诉老师；这不是你的代码的问题 / Please tell your teacher; this is not a problem with your code.",
		OutputFormat: "text", Visibility: "visible", StdoutVisibility: "hidden", ExecutionTime: executionTime(elapsed), Tests: []GradescopeTest{},
	}
}

// executionTime is Gradescope's execution_time: whole seconds, at least 1.
func executionTime(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

func (r *StudentResult) exercise(id string) *ExerciseResult {
	for _, e := range r.Exercises {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// ManualQuestions is MANUAL_QUESTIONS.md of the Gradescope package: how to
// set up the assignment's outline (one question for the autograder, one per
// manual item) and, per manual item, its points, question, rubric and
// reference answer, ready to paste into Gradescope.
func ManualQuestions(cat *Catalog) []byte {
	auto, manual := cat.MaxPoints()
	var sb strings.Builder
	sb.WriteString("# Gradescope: manual questions / 人工评分题\n\n")
	fmt.Fprintf(&sb, "The autograder scores the code exercises: **%d points**. Set the assignment's autograder\n", auto)
	fmt.Fprintf(&sb, "points to %d. The free-text items below (**%d points** in all) are graded by hand: in\n", auto, manual)
	sb.WriteString("*Edit Outline*, add one question per item, with its points, and paste its rubric items.\n")
	sb.WriteString("Each student's answer (from `secNN/ANSWERS.md` or the notebook's answer cell) appears in\n")
	sb.WriteString("the autograder results, as a test worth 0 points named after the item.\n")
	for _, e := range cat.Exercises {
		if e.Kind != KindManual {
			continue
		}
		fmt.Fprintf(&sb, "\n## %s %s (%d 分 / points)\n\n", e.ID, e.Title, e.ManualPoints)
		sb.WriteString("**Question / 题目**\n\n" + quoteBlock(e.Question) + "\n\n")
		sb.WriteString("**Rubric / 评分标准**\n\n" + orNone(e.Rubric) + "\n\n")
		sb.WriteString("**Reference answer / 参考答案**\n\n" + quoteBlock(orNone(e.Answer)) + "\n")
	}
	return []byte(sb.String())
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "（无 / none）"
	}
	return s
}

// GradingFiles lists, relative to l.Root and slash-separated, the files a
// grading run reads from the checkout: go.mod, go.sum, everything under
// solutions/ and the hidden tests (the catalog reads their READMEs), and the Go
// files the snapshot copies (walkGradingSources: the library packages they
// import, tests excluded). The Gradescope package holds exactly these.
func GradingFiles(l Layout) ([]string, error) {
	root, err := filepath.Abs(l.Root)
	if err != nil {
		return nil, err
	}
	files := map[string]bool{"go.mod": true, "go.sum": true}
	for _, base := range []string{l.Solutions, l.Hidden} {
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			r, err := filepath.Rel(root, p)
			if err != nil || strings.HasPrefix(r, "..") {
				return fmt.Errorf("%s is outside %s", p, root)
			}
			files[filepath.ToSlash(r)] = true
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("grader.GradingFiles: %w", err)
		}
	}
	err = walkGradingSources(l, root, func(rel string, _ []byte) error {
		files[rel] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("grader.GradingFiles: %w", err)
	}
	out := make([]string, 0, len(files))
	for f := range files {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}
