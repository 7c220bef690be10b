// Package testutil holds the assertions and seeded random inputs shared by the
// exercise tests (public and hidden). Shape checks come first so that a wrong
// shape fails with a clear message before any value is compared.
//
// Every failing assertion says two things. The test's own message (t.Fatalf)
// shows got and want, which is what a student needs from a public test. The
// grader's harness (SetReporter) also receives a blind message: what was
// compared and where the first difference is, with no value the test computed
// or the student's code returned, so that the feedback of a hidden test
// teaches without revealing its inputs or expected values. The grader shows
// only the blind messages of hidden tests.
package testutil

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Catch, deferred first thing in a test (defer testutil.Catch(t)), turns a panic of the
// code under test — an unfinished stub's panic("TODO ...") included — into a failure of
// that test alone, so that the tests of the other exercises still run and report.
//
// Catch also records whether the test passed, for Summary, and gives the reporter
// (SetReporter) a blind description of the panic: "not written yet" for a TODO stub,
// the kind of a runtime error without its numbers ("runtime error: index out of range"),
// or only that the code panicked, since any other panic value comes from the code under test.
// A panic with NotRun's value (the placeholder of an exercise notebook's preparation cell:
// the exercise's solution cell was not run) is not a failure: the test is recorded as not run
// and skipped.
func Catch(t testing.TB) {
	r := recover()
	if id, ok := r.(notRun); ok {
		resultsMu.Lock()
		notRunTests[t.Name()] = string(id)
		resultsMu.Unlock()
		t.SkipNow()
	}
	if r != nil {
		t.Helper()
		blind := "the code panicked"
		if e, ok := r.(runtime.Error); ok && strings.HasPrefix(fmt.Sprintf("%T", r), "runtime.") {
			blind += ": " + digitsRE.ReplaceAllString(firstLine(e.Error()), "…")
		} else if s, ok := r.(string); ok && strings.HasPrefix(s, "TODO") {
			blind = "not written yet: the stub still panics with TODO"
		}
		report(t, blind)
		if at := panicSite(); at != "" {
			t.Errorf("panic: %v (at %s)", r, at)
		} else {
			t.Errorf("panic: %v", r)
		}
	}
	resultsMu.Lock()
	defer resultsMu.Unlock()
	results[t.Name()] = !t.Failed()
}

var digitsRE = regexp.MustCompile(`[0-9]+`)

// panicSite is where the panic Catch recovers happened, as "sec63/mirror_pad.go:12"
// (the file's folder and name), or "" when it is not known.
func panicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic" || strings.HasPrefix(f.Function, "runtime.panic"):
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			file := f.File
			if i := strings.LastIndex(file, "/"); i >= 0 {
				if j := strings.LastIndex(file[:i], "/"); j >= 0 {
					file = file[j+1:]
				}
			}
			return fmt.Sprintf("%s:%d", file, f.Line)
		}
		if !more {
			return ""
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// notRun is the panic value of NotRun.
type notRun string

// NotRun returns the value that the placeholder functions of an exercise notebook's
// preparation cell panic with: exercise's solution cell has not been run, so the notebook has
// no code of the student's for it yet. Catch records such a test as not run, and Summary
// reports the exercise as "not run yet" (0 points).
func NotRun(exercise string) any { return notRun(exercise) }

var (
	resultsMu   sync.Mutex
	results     = map[string]bool{}   // test name -> passed, as recorded by Catch
	notRunTests = map[string]string{} // test name -> exercise, for tests that met a NotRun placeholder
)

var (
	reporterMu sync.Mutex
	reporter   func(test, msg string)
)

// SetReporter makes every failing assertion of this package, and every panic Catch
// recovers, also call f with the test's name and a blind message: what was compared
// and where it first differs, never a value. The grader's harness sets it to write on a
// file descriptor that the code under test cannot reach; tests never call it.
func SetReporter(f func(test, msg string)) {
	reporterMu.Lock()
	defer reporterMu.Unlock()
	reporter = f
}

// report hands a blind message to the reporter, if there is one.
func report(t testing.TB, blind string) {
	reporterMu.Lock()
	f := reporter
	reporterMu.Unlock()
	if f != nil {
		f(t.Name(), blind)
	}
}

// fail stops the test with the full message, after handing the blind one to the reporter.
func fail(t testing.TB, full, blind string) {
	t.Helper()
	report(t, blind)
	t.Fatal(full)
}

// Item is one public test of an exercise, for Summary.
type Item struct {
	Exercise, Test string
	Points         int
}

// NotebookMain is the TestMain of an exercise notebook's %test cell: it runs the tests
// quietly (a failing test still prints why; the testing package's closing PASS or FAIL line
// is left out), writes the Summary of items and note to stdout, and exits with status 0 —
// the summary is the cell's result, so GoNB adds no "exit status" after it.
func NotebookMain(m *testing.M, items []Item, note string) {
	flag.Parse()
	_ = flag.Set("test.v", "false")
	stdout := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		m.Run()
	} else {
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 64*1024), 16<<20)
			for sc.Scan() {
				if line := sc.Text(); line != "PASS" && line != "FAIL" {
					fmt.Fprintln(stdout, line)
				}
			}
		}()
		os.Stdout = w
		m.Run()
		os.Stdout = stdout
		_ = w.Close()
		<-done
	}
	Summary(stdout, items, note)
	os.Exit(0)
}

// Summary writes, after the tests ran (from a TestMain, as the exercise notebooks' %test
// cell does), one line per exercise in the order of items — PASS or FAIL and the points
// its public tests earned, with the failing tests named, or "not run yet" when a test met a
// NotRun placeholder — then the total and the note. A test that did not run, or that does not
// defer Catch, counts as failed.
func Summary(w io.Writer, items []Item, note string) {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	var order []string
	got, max := map[string]int{}, map[string]int{}
	failed := map[string][]string{}
	unrun := map[string]string{} // exercise -> the exercise whose solution cell it waits for
	total, totalMax := 0, 0
	for _, it := range items {
		if _, ok := max[it.Exercise]; !ok {
			order = append(order, it.Exercise)
		}
		max[it.Exercise] += it.Points
		totalMax += it.Points
		if id, ok := notRunTests[it.Test]; ok {
			unrun[it.Exercise] = id
		} else if results[it.Test] {
			got[it.Exercise] += it.Points
			total += it.Points
		} else {
			failed[it.Exercise] = append(failed[it.Exercise], it.Test)
		}
	}
	fmt.Fprintln(w, "\n==== 自查结果（公开测试）====")
	for _, e := range order {
		if id, ok := unrun[e]; ok {
			which := "这道题"
			if id != e {
				which = "练习 " + id + "（这道题用到它的函数）"
			}
			fmt.Fprintf(w, "练习 %-6s 还没运行  0/%d 分（先运行%s的解答单元格）\n", e, max[e], which)
			continue
		}
		if len(failed[e]) == 0 {
			fmt.Fprintf(w, "练习 %-6s 通过    %d/%d 分\n", e, got[e], max[e])
			continue
		}
		fmt.Fprintf(w, "练习 %-6s 未通过  %d/%d 分（未通过：%s）\n", e, got[e], max[e], strings.Join(failed[e], ", "))
	}
	fmt.Fprintf(w, "公开测试共 %d/%d 分。%s\n", total, totalMax, note)
}

// Tol is the default absolute-plus-relative tolerance of value comparisons.
const Tol = 1e-4

// Rng returns a deterministic generator for the given seed.
func Rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// Rand2D returns a [h][w] matrix of uniform values in [-1, 1).
func Rand2D(r *rand.Rand, h, w int) [][]float32 {
	m := make([][]float32, h)
	for i := range m {
		m[i] = make([]float32, w)
		for j := range m[i] {
			m[i][j] = float32(r.Float64()*2 - 1)
		}
	}
	return m
}

// Rand3D returns a [c][h][w] tensor of uniform values in [-1, 1).
func Rand3D(r *rand.Rand, c, h, w int) [][][]float32 {
	t := make([][][]float32, c)
	for i := range t {
		t[i] = Rand2D(r, h, w)
	}
	return t
}

// Rand4D returns a [a][c][h][w] tensor of uniform values in [-1, 1).
func Rand4D(r *rand.Rand, a, c, h, w int) [][][][]float32 {
	t := make([][][][]float32, a)
	for i := range t {
		t[i] = Rand3D(r, c, h, w)
	}
	return t
}

// Copy1D returns a copy of x, so that code that changes its input cannot change what a
// test later compares with.
func Copy1D(x []float32) []float32 {
	if x == nil {
		return nil
	}
	return append([]float32(nil), x...)
}

// Copy2D returns a deep copy of a [h][w] matrix.
func Copy2D(m [][]float32) [][]float32 {
	if m == nil {
		return nil
	}
	out := make([][]float32, len(m))
	for i := range m {
		out[i] = Copy1D(m[i])
	}
	return out
}

// Copy3D returns a deep copy of a [c][h][w] tensor.
func Copy3D(m [][][]float32) [][][]float32 {
	if m == nil {
		return nil
	}
	out := make([][][]float32, len(m))
	for i := range m {
		out[i] = Copy2D(m[i])
	}
	return out
}

// Copy4D returns a deep copy of a [a][c][h][w] tensor.
func Copy4D(m [][][][]float32) [][][][]float32 {
	if m == nil {
		return nil
	}
	out := make([][][][]float32, len(m))
	for i := range m {
		out[i] = Copy3D(m[i])
	}
	return out
}

// Shape2D returns the shape [len(m), len(m[0])] of a matrix, or an error if it
// is ragged.
func Shape2D(m [][]float32) ([]int, error) {
	if len(m) == 0 {
		return []int{0, 0}, nil
	}
	w := len(m[0])
	for i, row := range m {
		if len(row) != w {
			return nil, fmt.Errorf("ragged matrix: row 0 has %d columns, row %d has %d", w, i, len(row))
		}
	}
	return []int{len(m), w}, nil
}

func close32(got, want float32, tol float64) bool {
	g, w := float64(got), float64(want)
	if math.IsNaN(g) || math.IsNaN(w) {
		return false
	}
	return math.Abs(g-w) <= tol*(1+math.Abs(w))
}

// ShapeIs fails t unless got is a [rows][cols] matrix.
func ShapeIs(t testing.TB, got [][]float32, rows, cols int, what string) {
	t.Helper()
	gs, err := Shape2D(got)
	if err != nil {
		fail(t, fmt.Sprintf("%s: %v", what, err), what+": got a ragged matrix (rows of different lengths)")
	}
	if got == nil || gs[0] != rows || (rows > 0 && gs[1] != cols) {
		fail(t, fmt.Sprintf("%s: got shape %v (nil: %v), want [%d %d]", what, gs, got == nil, rows, cols),
			fmt.Sprintf("%s: wrong shape, want [%d %d]", what, rows, cols))
	}
}

// Shape2DEqual fails t unless got has exactly the shape of want.
func Shape2DEqual(t testing.TB, want, got [][]float32, what string) {
	t.Helper()
	ws, _ := Shape2D(want)
	gs, err := Shape2D(got)
	if err != nil {
		fail(t, fmt.Sprintf("%s: %v", what, err), what+": got a ragged matrix (rows of different lengths)")
	}
	if got == nil && want != nil {
		fail(t, fmt.Sprintf("%s: got nil, want shape %v", what, ws), fmt.Sprintf("%s: got nil, want shape %v", what, ws))
	}
	if gs[0] != ws[0] || gs[1] != ws[1] {
		fail(t, fmt.Sprintf("%s: got shape %v, want %v", what, gs, ws), fmt.Sprintf("%s: wrong shape, want %v", what, ws))
	}
}

// Close2D fails t unless got has the shape of want and every element is within
// tol (absolute plus relative) of want. The message shows both matrices when
// they are small, otherwise the first differing element.
func Close2D(t testing.TB, want, got [][]float32, tol float64, what string) {
	t.Helper()
	Shape2DEqual(t, want, got, what)
	for i := range want {
		for j := range want[i] {
			if !close32(got[i][j], want[i][j], tol) {
				blind := fmt.Sprintf("%s: the values differ first at [%d][%d]", what, i, j)
				if len(want)*len(want[0]) <= 64 {
					fail(t, fmt.Sprintf("%s: values differ at [%d][%d]\n got: %v\nwant: %v", what, i, j, got, want), blind)
				}
				fail(t, fmt.Sprintf("%s: at [%d][%d] got %v, want %v", what, i, j, got[i][j], want[i][j]), blind)
			}
		}
	}
}

// Shape3DEqual fails t unless got has exactly the shape of want.
func Shape3DEqual(t testing.TB, want, got [][][]float32, what string) {
	t.Helper()
	if len(got) != len(want) {
		fail(t, fmt.Sprintf("%s: got %d channels, want %d", what, len(got), len(want)),
			fmt.Sprintf("%s: wrong number of channels, want %d", what, len(want)))
	}
	for c := range want {
		Shape2DEqual(t, want[c], got[c], fmt.Sprintf("%s, channel %d", what, c))
	}
}

// Close3D is Close2D for [c][h][w] tensors.
func Close3D(t testing.TB, want, got [][][]float32, tol float64, what string) {
	t.Helper()
	Shape3DEqual(t, want, got, what)
	for c := range want {
		Close2D(t, want[c], got[c], tol, fmt.Sprintf("%s, channel %d", what, c))
	}
}

// Close1D fails t unless got has the length of want and equal values within tol.
func Close1D(t testing.TB, want, got []float32, tol float64, what string) {
	t.Helper()
	if len(got) != len(want) {
		fail(t, fmt.Sprintf("%s: got length %d, want %d", what, len(got), len(want)),
			fmt.Sprintf("%s: wrong length, want %d", what, len(want)))
	}
	for i := range want {
		if !close32(got[i], want[i], tol) {
			fail(t, fmt.Sprintf("%s: values differ at [%d]\n got: %v\nwant: %v", what, i, got, want),
				fmt.Sprintf("%s: the values differ first at [%d]", what, i))
		}
	}
}

// Equal fails t unless got and want are deeply equal (reflect.DeepEqual). For
// slices and arrays the blind message names the first differing index; for
// structs, the first differing field.
func Equal(t testing.TB, want, got any, what string) {
	t.Helper()
	if reflect.DeepEqual(want, got) {
		return
	}
	blind := what + ": wrong value"
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	if w.IsValid() && g.IsValid() && w.Type() == g.Type() {
		switch w.Kind() {
		case reflect.Slice, reflect.Array:
			if w.Len() != g.Len() {
				blind = fmt.Sprintf("%s: wrong length, want %d", what, w.Len())
				break
			}
			for i := range w.Len() {
				if !reflect.DeepEqual(w.Index(i).Interface(), g.Index(i).Interface()) {
					blind = fmt.Sprintf("%s: differs first at [%d]", what, i)
					break
				}
			}
		case reflect.Struct:
			for i := range w.NumField() {
				if w.Type().Field(i).IsExported() && !reflect.DeepEqual(w.Field(i).Interface(), g.Field(i).Interface()) {
					blind = fmt.Sprintf("%s: wrong %s", what, w.Type().Field(i).Name)
					break
				}
			}
		}
	}
	fail(t, fmt.Sprintf("%s:\n got: %+v\nwant: %+v", what, got, want), blind)
}

// InDelta fails t unless got is within delta of want (and neither is NaN).
func InDelta(t testing.TB, want, got, delta float64, what string) {
	t.Helper()
	if math.IsNaN(got) || math.IsNaN(want) || math.Abs(got-want) > delta {
		fail(t, fmt.Sprintf("%s: got %v, want %v (±%v)", what, got, want, delta), what+": wrong value")
	}
}

// True fails t unless ok, with why (it may show values) and blind (it must not).
func True(t testing.TB, ok bool, why, blind string) {
	t.Helper()
	if !ok {
		fail(t, why, blind)
	}
}

// Matrix converts nested float64 literals to a [][]float32 matrix.
func Matrix(rows ...[]float64) [][]float32 {
	m := make([][]float32, len(rows))
	for i, r := range rows {
		m[i] = make([]float32, len(r))
		for j, v := range r {
			m[i][j] = float32(v)
		}
	}
	return m
}
