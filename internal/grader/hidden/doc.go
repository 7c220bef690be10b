// Package hidden holds the hidden tests of the chapter 6 exercises, one
// directory per section package (sec61 …). They are never copied into
// exercises/ nor into a release: the grader copies them into its temporary
// build of a submission, next to the student's files, and they compare the
// student's functions with the reference in solutions/ on seeded random
// inputs (no stored answers).
//
// The test files carry the build tag d2lgrader so that `go test ./...` in this
// repository ignores them; they only compile inside a grading workspace.
package hidden
