package grader

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/d2l-go/d2l-go/draw"
)

// Class statistics: OUT/stats.md, with figures in OUT/stats/ drawn by the
// draw package, so that a teacher sees at a glance which exercise the class
// did not understand: the exercises by mean score, each test's pass rate,
// how many students hit each kind of failure, and the distribution of totals.
// Nothing in them is a student's text: names, answers and outputs stay in the
// students' own reports.

// StatsFile is the statistics page of the output folder; its figures are in StatsDir.
const (
	StatsFile = "stats.md"
	StatsDir  = "stats"
)

// ExerciseStats are one exercise's numbers across the class.
type ExerciseStats struct {
	ID, Title string
	Kind      Kind
	Max       int
	Students  int     // graded (manual items: scored)
	Mean      float64 // points
	Full      int     // students with full marks
	Tests     []TestStats
	Failures  map[string]int // kind of failure -> students who hit it
}

// TestStats are one test's numbers across the class.
type TestStats struct {
	Name   string
	Hidden bool
	Passed int
	Ran    int // students whose exercise was graded
}

// failureKind names why a test failed, in a few words common to many students.
func failureKind(t TestResult, e *ExerciseResult) string {
	o := t.Output
	switch {
	case strings.HasPrefix(o, "not run:"):
		return "not run: " + strings.SplitN(status(e, nil), " / ", 2)[1]
	case strings.Contains(o, notWritten):
		return "not written yet (TODO)"
	case strings.Contains(o, "timed out"):
		return "timed out (endless loop?)"
	case strings.Contains(o, "ran out of memory"):
		return "ran out of memory"
	case strings.Contains(o, "panicked") || strings.Contains(o, "panic:") || strings.Contains(o, "crashed"):
		return "panicked"
	case strings.Contains(o, "shape") || strings.Contains(o, "length"):
		return "wrong shape or length"
	case strings.Contains(o, "differ"):
		return "wrong values"
	}
	return "other failure"
}

// classStats computes every exercise's statistics.
func (v *classView) classStats() []*ExerciseStats {
	var out []*ExerciseStats
	for _, ex := range v.set {
		s := &ExerciseStats{ID: ex.ID, Title: ex.Title, Kind: ex.Kind, Max: ex.MaxPoints(), Failures: map[string]int{}}
		tests := map[string]*TestStats{}
		for _, t := range ex.Tests() {
			ts := &TestStats{Name: t.Name, Hidden: t.Hidden}
			tests[t.Name] = ts
			s.Tests = append(s.Tests, *ts)
		}
		total := 0.0
		for _, r := range v.students {
			if r.NotGraded != "" {
				continue
			}
			e := r.exercise(ex.ID)
			if e == nil {
				continue
			}
			if ex.Kind == KindManual {
				if mc := v.manual.cell(r.Student, ex.ID); mc != nil && mc.points != nil {
					s.Students++
					total += *mc.points
					if *mc.points == float64(s.Max) {
						s.Full++
					}
				}
				continue
			}
			s.Students++
			total += float64(e.Score)
			if e.Score == e.Max {
				s.Full++
			}
			kinds := map[string]bool{}
			for _, t := range e.Tests {
				ts := tests[t.Name]
				if ts == nil {
					continue
				}
				ts.Ran++
				if t.Passed {
					ts.Passed++
				} else {
					kinds[failureKind(t, e)] = true
				}
			}
			for k := range kinds {
				s.Failures[k]++
			}
		}
		for i := range s.Tests {
			s.Tests[i] = *tests[s.Tests[i].Name]
		}
		if s.Students > 0 {
			s.Mean = total / float64(s.Students)
		}
		out = append(out, s)
	}
	return out
}

// writeStats writes OUT/stats.md and its figures.
func (v *classView) writeStats() error {
	stats := v.classStats()
	if len(stats) == 0 {
		return nil
	}
	var totals []float64
	notGraded := 0
	for _, r := range v.students {
		if r.NotGraded != "" {
			notGraded++
			continue
		}
		totals = append(totals, v.totals[r.Student].Total)
	}
	var sb strings.Builder
	sb.WriteString("# 班级统计 / Class statistics\n\n")
	max := 0.0
	if len(v.students) > 0 {
		max = v.totals[v.students[0].Student].Max
	}
	fmt.Fprintf(&sb, "%d students graded", len(totals))
	if notGraded > 0 {
		fmt.Fprintf(&sb, " (%d more could not be graded: see gradebook.csv's note column)", notGraded)
	}
	if len(totals) > 0 {
		sorted := slices.Sorted(slices.Values(totals))
		mean := 0.0
		for _, t := range totals {
			mean += t
		}
		mean /= float64(len(totals))
		fmt.Fprintf(&sb, ". Total: mean %s, median %s, of %s points", points(mean), points(sorted[len(sorted)/2]), points(max))
	}
	sb.WriteString(".\n\n")
	manualPending := 0
	for _, s := range stats {
		if s.Kind == KindManual && s.Students < len(totals) {
			manualPending++
		}
	}
	if manualPending > 0 {
		fmt.Fprintf(&sb, "%d manual items are not scored for everyone yet: their points count 0 in the totals so far.\n\n", manualPending)
	}
	if err := os.MkdirAll(filepath.Join(v.out, StatsDir), 0o755); err != nil {
		return err
	}
	// The distribution of totals, in tenths of the maximum.
	if len(totals) > 0 && max > 0 {
		labels := make([]string, 10)
		counts := make([]float64, 10)
		for i := range labels {
			labels[i] = fmt.Sprintf("%d–%d%%", i*10, (i+1)*10)
		}
		for _, t := range totals {
			counts[min(9, max0(int(t/max*10)))]++
		}
		fig := draw.Bars(labels, counts, draw.Title("总分分布 / totals (% of the maximum)"), draw.Labels("students"))
		if err := writeFileAtomic(filepath.Join(v.out, StatsDir, "totals.png"), fig.PNG()); err != nil {
			return err
		}
		sb.WriteString("![总分分布 / distribution of the totals](stats/totals.png)\n\n")
	}
	// The exercises by mean score, the hardest marked.
	var labels []string
	var means []float64
	var opts []draw.Option
	for i, s := range stats {
		if s.Students == 0 || s.Max == 0 {
			continue
		}
		labels = append(labels, s.ID)
		means = append(means, 100*s.Mean/float64(s.Max))
		if 100*s.Mean/float64(s.Max) < 50 {
			opts = append(opts, draw.Highlight(0, 0, len(means)-1))
		}
		_ = i
	}
	if len(means) > 0 {
		opts = append(opts, draw.Title("平均得分 / mean score (% of the points)"), draw.Labels("%"), draw.Scale(0, 100))
		fig := draw.Bars(labels, means, opts...)
		if err := writeFileAtomic(filepath.Join(v.out, StatsDir, "exercises.png"), fig.PNG()); err != nil {
			return err
		}
		sb.WriteString("![每道题的平均得分 / mean score per exercise](stats/exercises.png)\n\nRed bars: exercises whose mean is below half their points.\n\n")
	}
	// The hardest exercises first.
	hard := slices.Clone(stats)
	sort.SliceStable(hard, func(i, j int) bool { return frac(hard[i]) < frac(hard[j]) })
	sb.WriteString("## 最难的练习 / Hardest exercises first\n\n| exercise | mean | full marks | most common failure |\n|---|---:|---:|---|\n")
	for _, s := range hard {
		if s.Students == 0 {
			continue
		}
		fmt.Fprintf(&sb, "| %s %s | %s / %d (%s %%) | %d of %d | %s |\n", s.ID, mdText(s.Title), points(s.Mean), s.Max, points(100*frac(s)), s.Full, s.Students, commonFailure(s))
	}
	sb.WriteString("\n")
	for _, s := range stats {
		fmt.Fprintf(&sb, "## %s %s\n\n", s.ID, s.Title)
		if s.Kind == KindManual {
			fmt.Fprintf(&sb, "Manual item (%d points): scored for %d of %d students", s.Max, s.Students, len(totals))
			if s.Students > 0 {
				fmt.Fprintf(&sb, "; mean %s, full marks %d", points(s.Mean), s.Full)
			}
			sb.WriteString(".\n\n")
			continue
		}
		fmt.Fprintf(&sb, "Mean %s / %d (%s %%), full marks %d of %d students.\n\n", points(s.Mean), s.Max, points(100*frac(s)), s.Full, s.Students)
		sb.WriteString("| test | passed |\n|---|---:|\n")
		for _, t := range s.Tests {
			kind := "public"
			if t.Hidden {
				kind = "hidden"
			}
			fmt.Fprintf(&sb, "| %s (%s) | %d of %d (%s %%) |\n", t.Name, kind, t.Passed, t.Ran, points(percent(t.Passed, t.Ran)))
		}
		if len(s.Failures) > 0 {
			sb.WriteString("\n| failure | students |\n|---|---:|\n")
			for _, k := range failureOrder(s.Failures) {
				fmt.Fprintf(&sb, "| %s | %d |\n", k, s.Failures[k])
			}
		}
		sb.WriteString("\n")
	}
	return writeFileAtomic(filepath.Join(v.out, StatsFile), []byte(sb.String()))
}

func max0(i int) int { return max(0, i) }

// frac is an exercise's mean as a fraction of its maximum (1 when nobody was graded).
func frac(s *ExerciseStats) float64 {
	if s.Students == 0 || s.Max == 0 {
		return 1
	}
	return s.Mean / float64(s.Max)
}

func percent(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// failureOrder lists the kinds of failure, most students first.
func failureOrder(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// commonFailure is the kind of failure most students of an exercise hit.
func commonFailure(s *ExerciseStats) string {
	if len(s.Failures) == 0 {
		return "–"
	}
	k := failureOrder(s.Failures)[0]
	return fmt.Sprintf("%s (%d)", k, s.Failures[k])
}
