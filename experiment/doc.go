// Package experiment is the evaluation protocol of the ReduNet experiments
// as a library: how data are laid out for an architecture, the all-shifts
// test set, the classifiers' protocol, the catalogue of the paper's
// experiments, a run (construction and evaluation), and its report. The
// redunet command is a thin layer over it; a Go program can run the same
// experiments without it (errors elided):
//
//	start := time.Now()
//	cfg, _ := experiment.Lookup("mnist-translation", experiment.Small)
//	train, test, _ := experiment.Load(ctx, cfg, 1)
//	data, _ := experiment.Prepare(cfg.Layout(), train)
//	data.AddTest(test)
//	data.AddShifts(10)
//	opt := experiment.Options{Seed: 1, EvalRates: true, ShiftedTrain: true}
//	res, _ := experiment.Run(ctx, cfg, data, opt)
//	rep := &experiment.Report{Config: cfg, Scale: experiment.Small, Data: cfg.Data,
//		Input: res.Input, Layers: res.Layers, Accuracy: res.Accuracy, Samples: res.Samples()}
//	experiment.SaveReport(dir, rep, res, start)
//
// # Layouts
//
// A sample of shape [C, n1, …, nr] has C channels on r spatial axes. The
// vector architecture takes any sample, flattened; the convolutional ones
// take samples with as many spatial axes as they convolve over: conv1d C×T
// signals, conv2d C×H×W images, conv3d C×D×H×W volumes. conv1d also takes
// 1-channel images, through the polar transform (rows of radii, columns of
// angles), under which a rotation of the image is a cyclic shift of the
// signal. [Layout] does this; a model records it ([Layout.Preprocess]) so
// that new data are laid out as the training data were ([ForModel]).
//
// # The all-shifts test set
//
// Invariance is measured on the all-shifts test set ([AllShifts]): the
// first samples of each class of the test split, each cyclically shifted
// (every channel rolled by the same offsets over the spatial axes) by every
// offset of a fixed grid ([ShiftGrid]). In 1-D the grid is every multiple
// of 10 below T (every shift for T < 20): 20 shifts of 200-angle signals.
// In 2-D it is {0, H/4, H/2, 3H/4} × {0, W/4, W/2, 3W/4}: 16 shifts, for
// 28×28 images {0, 7, 14, 21}². In 3-D the same four offsets on each axis
// give 64 shifts. A vector net on samples with spatial axes is tested on
// the same grid, to show what it lacks.
//
// # The protocol
//
// Features are flattened and every row L2-normalised (norm clamped below at
// 1e-8). Every classifier is fit on the unshifted training split and scored
// on every split: the training split, the test split and the all-shifts
// set, once on the network's input ("raw": normalised, and lifted for the
// convolutional nets) and once on its features, so that invariance shows as
// the gap between the two ([Evaluate]). The classifiers are those
// registered in package eval, in table order:
//
//   - nearest-subspace: per class, the span of the top-r right singular
//     vectors of the class's training rows (no centring); a row goes to the
//     class whose subspace leaves the smallest residual ‖(I − VⱼVⱼᵀ)z‖.
//     r is the configuration's rank: 10 for MNIST, 1 and 2 for the
//     Gaussians on the circle and the sphere.
//   - knn: the majority vote of the 5 training rows of largest cosine
//     similarity.
//   - svm: a one-vs-rest linear SVM with the L2-regularised squared hinge
//     loss, C = 1, with an intercept (liblinear's default problem).
//
// The network's own classifier, argmax π̂ of its last layer ([Own], "redunet"
// in the tables), is not fit on anything and scores the features only.
//
// The all-shifts set is also scored a second way, the shifts* protocol
// ([ShiftedTrain]): against classifiers fit on every training sample at
// every shift of the grid. A convolutional ReduNet is exactly
// shift-equivariant, so the features of a shifted sample are the shifted
// features: the shifted training split is made from the unshifted one
// without another pass through the network.
//
// # Experiments, runs and reports
//
// [Catalogue] lists the paper's experiments, each at the paper's scale and
// at a small one; [Lookup] finds one, [Load] loads its data. [Run] builds
// the network layer by layer on the training set, applying each layer to
// the evaluation sets as soon as it is built, reports progress through
// callbacks, and evaluates the features. [SaveReport] writes its report:
// report.md ([WriteReport]), results.json ([WriteResults]) and PNG
// figures ([Figures]), each file atomically.
//
// # Errors
//
// Bad data (a shape an architecture does not take, a class without
// samples), bad configurations and I/O failures are returned as errors;
// the package never prints.
package experiment
