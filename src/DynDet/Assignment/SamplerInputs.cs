using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>Checks shared by the samplers.</summary>
internal static class SamplerInputs
{
    /// <summary>The (N, 4) coordinates of <paramref name="boxes"/> (a score column dropped), checked against the assignment's N.</summary>
    public static Tensor Boxes(Tensor boxes, AssignResult assignment)
    {
        long[] shape = boxes.Shape;
        if (shape.Length != 2 || shape[1] < 4)
        {
            throw new ArgumentException($"boxes must be (N, 4) or (N, 5), got [{string.Join(", ", shape)}]", nameof(boxes));
        }

        if (shape[0] != assignment.NumBoxes)
        {
            throw new ArgumentException(
                $"{shape[0]} boxes but the assignment covers {assignment.NumBoxes} (sample each assignment once)", nameof(boxes));
        }

        return shape[1] == 4 ? boxes.Alias() : boxes.Narrow(1, 0, 4);
    }
}
