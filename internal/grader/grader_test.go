package grader

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testLayout returns the checkout this test runs in and its full catalog.
func testLayout(t *testing.T) (Layout, *Catalog) {
	t.Helper()
	root, err := FindRoot(".")
	require.NoError(t, err)
	l := NewLayout(root)
	cat, err := LoadCatalog(l.Solutions, l.Hidden)
	require.NoError(t, err)
	return l, cat
}

func gradeDir(t *testing.T, l Layout, cat *Catalog, dir string) *StudentResult {
	t.Helper()
	sub, err := LoadSubmission(dir, cat)
	require.NoError(t, err)
	res, err := GradeSubmission(context.Background(), sub, Options{Layout: l, Catalog: cat, Reference: true, Hidden: true, TestTimeout: 5 * time.Second})
	require.NoError(t, err)
	return res
}

// TestSolutionsScoreMax grades the reference itself: every automatic test passes.
func TestSolutionsScoreMax(t *testing.T) {
	l, cat := testLayout(t)
	res := gradeDir(t, l, cat, l.Solutions)
	auto, _ := cat.MaxPoints()
	for _, e := range res.Exercises {
		for _, tr := range e.Tests {
			require.True(t, tr.Passed, "%s %s: %s\n%s", e.ID, tr.Name, e.Note, tr.Output)
		}
	}
	require.Equal(t, auto, res.Score)
	require.Equal(t, auto, res.Max)
}

// TestStubsScoreZero grades the untouched stubs: every automatic test fails.
func TestStubsScoreZero(t *testing.T) {
	l, cat := testLayout(t)
	res := gradeDir(t, l, cat, l.Exercises)
	require.Equal(t, 0, res.Score)
	n := 0
	for _, e := range res.Exercises {
		for _, tr := range e.Tests {
			require.False(t, tr.Passed, "%s %s passed on the stub", e.ID, tr.Name)
			n++
		}
	}
	require.NotZero(t, n)
}
