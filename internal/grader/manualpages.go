package grader

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Grading by question: OUT/manual/<item>.md shows one manual item — its
// question, rubric and reference answer — then every student's answer, one
// under another, each with its row of manual_scores.csv and what is there
// already; students who wrote nothing are listed once at the end.
// OUT/manual/README.md lists the items and how far their grading is.

// writeManualPages writes OUT/manual/ for the manual items graded.
func (v *classView) writeManualPages() error {
	dir := filepath.Join(v.out, ManualDir)
	var items []*Exercise
	for _, e := range v.set {
		if e.Kind == KindManual {
			items = append(items, e)
		}
	}
	if len(items) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var index strings.Builder
	index.WriteString("# 人工评分 / Manual grading\n\n")
	fmt.Fprintf(&index, "Grade one question at a time: open its page, read every answer, write the points (and a comment) in its rows of `%s`, then run\n\n", ManualScoresFile)
	index.WriteString("```\nd2l grade -manual OUT/" + ManualScoresFile + " -out OUT\n```\n\n")
	index.WriteString("| item | points | scored | page |\n|---|---:|---:|---|\n")
	for _, e := range items {
		page, scored := v.manualPage(e)
		if err := writeFileAtomic(filepath.Join(dir, e.ID+".md"), []byte(page)); err != nil {
			return err
		}
		fmt.Fprintf(&index, "| %s %s | %d | %d of %d | [%s.md](%s.md) |\n", e.ID, mdText(e.Title), e.MaxPoints(), scored, v.gradedCount(), e.ID, e.ID)
	}
	return writeFileAtomic(filepath.Join(dir, "README.md"), []byte(index.String()))
}

// gradedCount is how many students have a record that was graded.
func (v *classView) gradedCount() int {
	n := 0
	for _, r := range v.students {
		if r.NotGraded == "" {
			n++
		}
	}
	return n
}

// manualPage is the page of one manual item and how many students have points for it.
func (v *classView) manualPage(e *Exercise) (string, int) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s %s — 人工评分 / manual grading (%d 分 / points)\n\n", e.ID, e.Title, e.MaxPoints())
	sb.WriteString("**题目 / Question**\n\n" + quoteBlock(orNone(e.Question)) + "\n\n")
	sb.WriteString("**评分标准 / Rubric**\n\n" + orNone(e.Rubric) + "\n\n")
	sb.WriteString("**参考答案 / Reference answer**\n\n" + quoteBlock(orNone(e.Answer)) + "\n\n")
	var rows []string
	scored := 0
	var empty []string
	n := 0
	for _, r := range v.students {
		if r.NotGraded != "" {
			continue
		}
		er := r.exercise(e.ID)
		if er == nil {
			continue
		}
		line := v.manual.rowLine(r.Student, e.ID)
		mc := v.manual.cell(r.Student, e.ID)
		if mc != nil && mc.points != nil {
			scored++
		}
		if strings.TrimSpace(er.Answer) == "" {
			empty = append(empty, fmt.Sprintf("%s (line %d, %s)", mdText(r.Student), line, scoredText(mc, e)))
			continue
		}
		n++
		var b strings.Builder
		fmt.Fprintf(&b, "### %d. %s — %s line %d — %s\n\n", n, mdText(r.Student), ManualScoresFile, line, scoredText(mc, e))
		if mc != nil && mc.flag != "" {
			b.WriteString("**Check / 请复查:** " + mdText(mc.flag) + "\n\n")
		}
		if mc != nil && mc.mistake != "" {
			b.WriteString("**Mistake / 有误:** " + mdText(mc.mistake) + "\n\n")
		}
		if mc != nil && mc.comment != "" {
			b.WriteString("评语 / comment: " + mdText(strings.Join(strings.Fields(mc.comment), " ")) + "\n\n")
		}
		b.WriteString(quoteAnswer(er.Answer) + "\n")
		rows = append(rows, b.String())
	}
	fmt.Fprintf(&sb, "**进度 / progress:** %d of %d scored. Write the points in the `points` column of `%s` at the line each answer names; the answer_id column says which answer a row was written for.\n\n---\n\n",
		scored, v.gradedCount(), ManualScoresFile)
	sb.WriteString(strings.Join(rows, "\n"))
	if len(empty) > 0 {
		sb.WriteString("\n### 未作答 / no answer\n\n" + strings.Join(empty, ", ") + "\n")
	}
	return sb.String(), scored
}

// scoredText is what the teacher gave so far: "points: 1.5 / 2", or "points: – / 2".
func scoredText(mc *manualCell, e *Exercise) string {
	if mc != nil && mc.points != nil {
		return fmt.Sprintf("points: **%s** / %d", points(*mc.points), e.MaxPoints())
	}
	return fmt.Sprintf("points: – / %d", e.MaxPoints())
}
