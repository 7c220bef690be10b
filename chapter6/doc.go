// Package notebooks holds the executed GoNB notebooks of chapter 6 (6.N-slug.ipynb),
// generated from the literate sources in ../chapter6 and committed with their outputs,
// plus setup.sh, which their first cell runs to connect GoNB to this repository.
//
// Its test checks that every notebook is in sync with its source, that the committed
// outputs are the expected ones, and executes every notebook headless (jupyter nbconvert
// with the GoNB kernel) to check the outputs again.
package notebooks

//go:generate go run ../cmd/d2l gen
