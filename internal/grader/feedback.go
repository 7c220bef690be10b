package grader

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// The reports of one class, rebuilt from its records: feedback.md (for the
// student), gradebook.csv (for the teacher), results.json (Gradescope's
// format). Each shows the same Totals. What a student controls is shown as
// text: names escaped (mdText, DisplayName), answers, compile errors and test
// output in fenced blocks no line of them can close (fenced), CSV cells that
// could start a formula quoted (csvCell).

// status is the one wording of an exercise's outcome, in both languages.
func status(e *ExerciseResult, mc *manualCell) string {
	if e.Kind == KindManual {
		switch {
		case mc != nil && mc.points != nil:
			return "已评 / scored"
		case mc != nil && mc.comment != "":
			return "待评（有评语）/ not scored yet (commented)"
		case strings.TrimSpace(e.Answer) == "":
			return "未作答，待评 / no answer, not scored yet"
		}
		return "待评 / not scored yet"
	}
	failed, todo := 0, 0
	for _, t := range e.Tests {
		if !t.Passed {
			failed++
			if strings.Contains(t.Output, notWritten) {
				todo++
			}
		}
	}
	switch {
	case e.Max > 0 && e.Score == e.Max:
		return "通过 / passed"
	case strings.HasPrefix(e.Note, "missing:"):
		return "未提交 / not handed in"
	case strings.HasPrefix(e.Note, "rejected:"):
		return "未接受 / rejected"
	case strings.HasPrefix(e.Note, "compile error") || strings.Contains(firstLine(e.Note), "did not compile") || strings.Contains(firstLine(e.Note), "did not build"):
		return "编译错误 / does not compile"
	case strings.Contains(e.Note, "fails as soon as its package starts"):
		return "启动即失败 / fails at start-up"
	case failed > 0 && todo == failed:
		return "未完成 / not written yet"
	case e.Score > 0:
		return fmt.Sprintf("部分通过 / %d of %d tests passed", len(e.Tests)-failed, len(e.Tests))
	}
	return "未通过 / failed"
}

// notWritten is the one wording of a test of an untouched stub.
const notWritten = "not written yet: the stub still panics with TODO"

// Feedback renders a student's report (Markdown) on its own, as a class
// rebuild writes it before any manual score or late rule applies.
func Feedback(r *StudentResult) string {
	v := &classView{manual: &manualScores{cells: map[[2]string]*manualCell{}}, late: map[string]lateInfo{}}
	t := Totals{Auto: float64(r.Score), AutoMax: float64(r.Max), ManualMax: float64(r.Manual)}
	for _, e := range r.Exercises {
		if e.Kind == KindManual {
			t.ManualItems++
		}
	}
	t.Total, t.Max = t.Auto, t.AutoMax+t.ManualMax
	return v.feedbackWith(r, t)
}

// feedback renders a student's feedback.md in the class.
func (v *classView) feedback(r *StudentResult) string { return v.feedbackWith(r, v.totals[r.Student]) }

func (v *classView) feedbackWith(r *StudentResult, t Totals) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# 评分反馈 / Feedback: %s\n\n", mdText(r.Student))
	if e := v.roster[r.Student]; e != nil && e.Name != "" {
		fmt.Fprintf(&sb, "%s\n\n", mdText(e.Name))
	}
	sb.WriteString(totalsTable(t, v.course.Late))
	if li := v.late[r.Student]; li.days > 0 {
		sb.WriteString("\n" + mdText(li.text(v.course.Late)) + "\n")
	}
	if t.ManualItems > t.ManualScored {
		fmt.Fprintf(&sb, "\n人工评分尚未完成：%d 道人工评分题还没有评分，暂按 0 分计。/ Manual grading is not finished: %d of %d manual items are not scored yet and count 0 so far.\n",
			t.ManualItems-t.ManualScored, t.ManualItems-t.ManualScored, t.ManualItems)
	}
	sb.WriteString("\n")
	if r.NotGraded != "" {
		sb.WriteString(fenced("", DisplayName(r.NotGraded)) + "\n\n")
	}
	if len(r.Exercises) > 0 {
		sb.WriteString("## 概览 / Summary\n\n| 练习 / exercise | 得分 / points | 结果 / result |\n|---|---:|---|\n")
		for _, e := range r.Exercises {
			mc := v.manual.cell(r.Student, e.ID)
			fmt.Fprintf(&sb, "| %s %s | %s | %s |\n", e.ID, mdText(e.Title), exercisePoints(e, mc), status(e, mc))
		}
		sb.WriteString("\n")
	}
	if notes := r.AllNotes(); len(notes) > 0 {
		// Notes name the student's files: one line each, shown as text.
		for i, n := range notes {
			notes[i] = "- " + DisplayName(n)
		}
		sb.WriteString("## 说明 / Notes\n\n" + fenced("", strings.Join(notes, "\n")) + "\n\n")
	}
	for _, e := range r.Exercises {
		mc := v.manual.cell(r.Student, e.ID)
		if e.Kind == KindManual && strings.TrimSpace(e.Answer) == "" && (mc == nil || mc.points == nil && mc.comment == "") {
			continue // no answer, nothing scored: the summary says so
		}
		if e.Kind == KindManual {
			fmt.Fprintf(&sb, "## %s %s — %s（人工评分 / manual）\n\n**答案 / Answer**\n\n%s\n\n**评分标准 / Rubric**\n\n%s\n\n",
				e.ID, e.Title, exercisePoints(e, mc), quoteAnswer(e.Answer), indentBlock(e.Rubric))
			if mc != nil && mc.comment != "" {
				sb.WriteString("**老师的评语 / Comment**\n\n" + quoteBlock(plainText(mc.comment)) + "\n\n")
			}
			continue
		}
		fmt.Fprintf(&sb, "## %s %s — %d / %d · %s\n\n", e.ID, e.Title, e.Score, e.Max, status(e, nil))
		if e.Note != "" {
			sb.WriteString(fenced("", e.Note) + "\n\n")
		}
		if strings.HasPrefix(e.Note, "missing:") {
			continue // the note says it all
		}
		if status(e, nil) == "未完成 / not written yet" {
			names := make([]string, len(e.Tests))
			for i, t := range e.Tests {
				names[i] = t.Name
			}
			fmt.Fprintf(&sb, "还没有写：代码仍是 `panic(\"TODO\")`。/ Not written yet: the code still panics with TODO. Tests (%d points): %s\n\n", e.Max, strings.Join(names, ", "))
			continue
		}
		for _, t := range e.Tests {
			mark := "PASS"
			if !t.Passed {
				mark = "FAIL"
			}
			kind := "public"
			if t.Hidden {
				kind = "hidden"
			}
			fmt.Fprintf(&sb, "- %s %s (%s, %d/%d)\n", mark, t.Name, kind, t.Score, t.Max)
			if !t.Passed && t.Output != "" && !strings.HasPrefix(t.Output, "not run:") {
				sb.WriteString(indentBlock(fenced("", truncate(t.Output, 1500))) + "\n")
			}
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// exercisePoints is "3 / 4", or "– / 2" for a manual item not scored yet.
func exercisePoints(e *ExerciseResult, mc *manualCell) string {
	if e.Kind == KindManual {
		if mc != nil && mc.points != nil {
			return points(*mc.points) + " / " + strconv.Itoa(e.Max)
		}
		return "– / " + strconv.Itoa(e.Max)
	}
	return fmt.Sprintf("%d / %d", e.Score, e.Max)
}

// totalsTable is the table of points at the top of feedback.md.
func totalsTable(t Totals, p LatePolicy) string {
	var sb strings.Builder
	sb.WriteString("| 部分 / part | 得分 / earned | 满分 / possible |\n|---|---:|---:|\n")
	fmt.Fprintf(&sb, "| 自动评分 / automatic (tests) | %s | %s |\n", points(t.Auto), points(t.AutoMax))
	if t.ManualItems > 0 {
		fmt.Fprintf(&sb, "| 人工评分 / manual (%d of %d items scored) | %s | %s |\n", t.ManualScored, t.ManualItems, points(t.Manual), points(t.ManualMax))
	}
	if t.Penalty > 0 || t.LateDays > 0 {
		fmt.Fprintf(&sb, "| 迟交扣分 / late penalty (%d day(s) × %s%%) | −%s | |\n", t.LateDays, points(p.PerDay*100), points(t.Penalty))
	}
	fmt.Fprintf(&sb, "| **总分 / total** | **%s** | **%s** |\n", points(t.Total), points(t.Max))
	return sb.String()
}

// TotalsLine is a student's totals on one line, as the console and
// results.json show them: "automatic 12/16, manual 3/5 (2 of 3 scored), late −1.5, total 13.5/21".
func TotalsLine(t Totals) string {
	s := fmt.Sprintf("automatic %s/%s", points(t.Auto), points(t.AutoMax))
	if t.ManualItems > 0 {
		s += fmt.Sprintf(", manual %s/%s (%d of %d scored)", points(t.Manual), points(t.ManualMax), t.ManualScored, t.ManualItems)
	}
	if t.Penalty > 0 || t.LateDays > 0 {
		s += fmt.Sprintf(", late %d day(s) −%s", t.LateDays, points(t.Penalty))
	}
	return s + fmt.Sprintf(", total %s/%s", points(t.Total), points(t.Max))
}

// gradebookHeader is the gradebook's header for the exercises graded.
func (v *classView) gradebookHeader() []string {
	h := []string{"student", "name", "id"}
	for _, e := range v.set {
		if e.Kind == KindManual {
			h = append(h, e.ID+" (manual)")
		} else {
			h = append(h, e.ID)
		}
	}
	return append(h, "auto", "manual", "late_penalty", "total", "max", "report", "note")
}

// writeGradebook writes OUT/gradebook.csv: the header, a row of maxima (its
// student cell empty: no folder has an empty name), then one row per student:
// each exercise's points (a manual item's empty until scored), the automatic
// and manual points, the late penalty (points taken off), the total, the maximum, the
// report folder and what the teacher should look at.
func (v *classView) writeGradebook() error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(v.gradebookHeader())
	var autoMax, manualMax int
	maxRow := []string{"", "", ""}
	for _, e := range v.set {
		maxRow = append(maxRow, strconv.Itoa(e.MaxPoints()))
		if e.Kind == KindManual {
			manualMax += e.MaxPoints()
		} else {
			autoMax += e.MaxPoints()
		}
	}
	maxRow = append(maxRow, strconv.Itoa(autoMax), strconv.Itoa(manualMax), "", strconv.Itoa(autoMax+manualMax), strconv.Itoa(autoMax+manualMax), "", "满分 / maximum")
	_ = cw.Write(maxRow)
	for _, r := range v.students {
		t := v.totals[r.Student]
		got := map[string]*ExerciseResult{}
		for _, e := range r.Exercises {
			got[e.ID] = e
		}
		row := []string{studentCell(r.Student), "", ""}
		if e := v.roster[r.Student]; e != nil {
			row[1], row[2] = csvCell(DisplayName(e.Name)), csvCell(DisplayName(e.ID))
		}
		for _, e := range v.set {
			cell := ""
			switch er := got[e.ID]; {
			case e.Kind == KindManual:
				if mc := v.manual.cell(r.Student, e.ID); mc != nil && mc.points != nil {
					cell = points(*mc.points)
				}
			case er != nil && r.NotGraded == "":
				cell = strconv.Itoa(er.Score)
			}
			row = append(row, cell)
		}
		late := ""
		if t.Penalty > 0 {
			late = points(t.Penalty)
		}
		notes := []string{}
		if r.NotGraded != "" {
			notes = append(notes, DisplayName(r.NotGraded))
		}
		if t.LateDays > 0 {
			notes = append(notes, fmt.Sprintf("%d day(s) late (−%s%%)", t.LateDays, points(t.LateFraction*100)))
		}
		notes = append(notes, v.flags[r.Student]...)
		row = append(row, points(t.Auto), points(t.Manual), late, points(t.Total), points(t.Max), ReportDir(r.Student), csvCell(strings.Join(notes, "; ")))
		_ = cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return writeFileAtomic(v.out+"/"+GradebookFile, buf.Bytes())
}

// resultsJSON is a student's results.json: what Gradescope's autograder
// writes for the submission (AutograderResults), and, once the teacher scored
// manual items, commented them or a late penalty applies, those too: the
// summary states the totals every report shows, and each manual item's test
// its points and the teacher's comment (its score stays 0 of 0, as Gradescope
// scores manual questions itself; the score is the tests' points).
func (v *classView) resultsJSON(r *StudentResult) Gradescope {
	g := AutograderResults(r, r.Elapsed)
	t := v.totals[r.Student]
	changed := t.Penalty > 0 || t.ManualScored > 0
	for i, gt := range g.Tests {
		id := strings.Fields(gt.Name)[0]
		mc := v.manual.cell(r.Student, id)
		if mc == nil || (mc.points == nil && mc.comment == "") || !strings.Contains(gt.Name, "manual") {
			continue
		}
		changed = true
		e := r.exercise(id)
		if mc.points != nil {
			g.Tests[i].Output += fmt.Sprintf("\n\n人工评分 / manual score: %s / %d", points(*mc.points), e.Max)
		}
		if mc.comment != "" {
			g.Tests[i].Output += "\n\n老师的评语 / comment:\n" + plainText(mc.comment)
		}
	}
	if changed {
		summary := "总分 / totals: " + TotalsLine(t)
		if li := v.late[r.Student]; li.days > 0 {
			summary += "\n" + li.text(v.course.Late)
		}
		first, rest, _ := strings.Cut(g.Output, "\n")
		_ = first
		g.Output = strings.TrimSpace(summary + "\n" + rest)
	}
	return g
}
