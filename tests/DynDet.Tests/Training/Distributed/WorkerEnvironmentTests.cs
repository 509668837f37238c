using DynDet.Training.Distributed;

namespace DynDet.Tests.Training.Distributed;

public sealed class WorkerEnvironmentTests
{
    private static WorkerEnvironment Read(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return WorkerEnvironment.From(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void No_rank_variables_is_a_single_process()
    {
        var single = Read();
        Assert.False(single.IsDistributed);
        Assert.Equal((0, 1), (single.Rank, single.WorldSize));
    }

    [Fact]
    public void Torchruns_variables_give_rank_world_local_rank_and_master()
    {
        var w = Read(("RANK", "3"), ("WORLD_SIZE", "4"), ("LOCAL_RANK", "1"), ("LOCAL_WORLD_SIZE", "2"),
            ("MASTER_ADDR", "10.0.0.5"), ("MASTER_PORT", "29501"));
        Assert.Equal(new WorkerEnvironment(3, 4, 1, 2, "10.0.0.5", 29501), w);
        Assert.True(w.IsDistributed);
        Assert.Equal(8, w.DefaultThreads(16));
    }

    [Fact]
    public void Slurms_variables_are_read_when_torchruns_are_absent_and_torchruns_win_when_both_are_set()
    {
        var slurm = Read(("SLURM_PROCID", "5"), ("SLURM_NTASKS", "8"), ("SLURM_LOCALID", "1"), ("SLURM_NTASKS_PER_NODE", "4"),
            ("MASTER_ADDR", "node1"));
        Assert.Equal(new WorkerEnvironment(5, 8, 1, 4, "node1", WorkerEnvironment.DefaultPort), slurm);
        var both = Read(("SLURM_PROCID", "5"), ("SLURM_NTASKS", "8"), ("RANK", "0"), ("WORLD_SIZE", "2"));
        Assert.Equal((0, 2), (both.Rank, both.WorldSize));
    }

    [Theory]
    [InlineData("RANK", "2", "WORLD_SIZE", "2", "RANK=2 is not below WORLD_SIZE=2")]
    [InlineData("RANK", "x", "WORLD_SIZE", "2", "RANK='x' is not an integer >= 0")]
    [InlineData("RANK", "0", "WORLD_SIZE", "0", "WORLD_SIZE='0' is not an integer >= 1")]
    [InlineData("RANK", "0", "MASTER_PORT", "80", "WORLD_SIZE is not set (a distributed worker needs RANK and WORLD_SIZE, or SLURM_PROCID and SLURM_NTASKS)")]
    public void A_malformed_variable_is_refused_naming_it(string name1, string value1, string name2, string value2, string message)
    {
        var e = Assert.Throws<InputException>(() => Read((name1, value1), (name2, value2)));
        Assert.Equal(message, e.Message);
    }
}
