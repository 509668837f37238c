// DynDet from C#: train a small Faster R-CNN on the built-in synthetic shapes, then load the checkpoint like an
// application would, detect objects in an image and draw them.
//
//   dotnet run --project samples/TrainAndDetect -c Release -- [OUTPUT_DIR] [ITERATIONS]
//
// Defaults: runs/sample, 300 iterations (a few minutes on 2 CPU cores). See docs/csharp.md.
using System.Globalization;
using DynDet;
using DynDet.Config;
using DynDet.Data;
using DynDet.Data.Images;
using DynDet.Training;
using DynDet.Visualization;

string output = args.Length > 0 ? args[0] : Path.Combine("runs", "sample");
int iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;

// 1. A config: a preset plus the overrides a command line would take (KEY=VALUE, dotted keys).
DetectorConfig config = ConfigLoader.Load("faster_rcnn_r18_cpu",
[
    $"train.max_iters={iterations}", "train.log_interval=10",
    // A quarter-width model on 128-pixel images keeps the sample quick.
    "model.backbone.width=0.25", "model.neck.out_channels=32", "model.roi_head.fc_channels=128",
    "data.train_scales=[[128,128]]", "data.test_scale=[128,128]", "train.warmup_iters=20",
]);

// 2. Data: the built-in synthetic generator (a COCO JSON or a Pascal VOC folder work the same way).
const string Shapes = "width=128,height=128,classes=2,max_objects=2,min_size=32";
IDetectionDataset train = DatasetSpec.Open($"synthetic:images=200,seed=1,{Shapes}");
IDetectionDataset val = DatasetSpec.Open($"synthetic:images=20,seed=2,{Shapes}");

// 3. Train: checkpoints, metrics.json and the report index.html go to the output folder.
TrainingResult result = new Trainer(new TrainerOptions
{
    Config = config,
    TrainData = train,
    ValData = val,
    OutputDirectory = output,
    ShowProgress = false,
}).Run();
Console.WriteLine($"trained {result.Iterations} iterations: AP50 {result.FinalEvaluation?.Coco.AP50:F3}, checkpoint {result.Checkpoint}, report {result.Report}");

// 4. Detect, as an application: load the checkpoint (config and class names are inside it) and predict.
using Detector detector = Detector.Load(result.Checkpoint);
RgbImage image = val.LoadImage(0);
var detections = detector.Predict(image);
for (int k = 0; k < Math.Min(detections.Count, 5); k++)
{
    string name = detector.ClassNames[(int)detections.Labels[k]];
    float x1 = detections.Boxes[4 * k], y1 = detections.Boxes[(4 * k) + 1];
    float x2 = detections.Boxes[(4 * k) + 2], y2 = detections.Boxes[(4 * k) + 3];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name} {detections.Scores[k]:F2} at ({x1:F0}, {y1:F0}, {x2:F0}, {y2:F0})"));
}

// 5. Draw the detections scoring at least 0.3.
string picture = Path.Combine(output, "detections.png");
ImageCodec.Save(DetectionPainter.Draw(image, detections, detector.ClassNames, 0.3), picture);
Console.WriteLine($"{detections.Count} detections; drawn in {picture}");
