// Package solutions holds the reference solutions of the chapter 6 exercises
// (sections 6.1–6.6 of 《动手学深度学习》) and is the single source of truth
// for the student stubs in exercises/.
//
// Each section is one package (sec61 … sec66); each code exercise is one file
// in it. Solution code sits between the marker lines
//
//	// BEGIN SOLUTION
//	...
//	// END SOLUTION
//
// which `go run ./cmd/d2l gen-exercises` (or `go generate ./solutions`)
// replaces by a panic("TODO: …") in the stubs of exercises/. Tests are
// external test packages (package sec63_test): they call the exercise's
// functions (sec63.MirrorPad1D) and compute what they expect inside the test,
// never from a variable of the section's package, which a student's file
// could set; the grader's rules check refuses a catalog that does. Test
// functions defer testutil.Catch and carry a directive naming their exercise
// and points:
//
//	//d2l:test 6.3-4 points=2
//
// (optionally with timeout=60s for a slow test, e.g. a training run).
//
// The questions, reference answers and rubrics live in each section's
// README.md; the answers (between <!-- BEGIN ANSWER --> and <!-- END ANSWER -->)
// never reach exercises/.
package solutions

//go:generate go run ../cmd/d2l gen-exercises
