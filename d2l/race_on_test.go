//go:build race

package d2l

// raceEnabled is true when the tests run with -race (about 10x slower): long tests do less.
const raceEnabled = true
