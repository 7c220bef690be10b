// Package sec63 holds the exercises of section 6.3 (填充和步幅, padding and
// stride): output shapes, strided cross-correlation and mirror padding.
// Padding is given per side (PyTorch's convention); output sizes are floored.
package sec63
