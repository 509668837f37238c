namespace DynDet.Torch.Ops;

/// <summary>ATen operators used by the typed API, found once when first used.</summary>
internal static class Aten
{
    public static readonly Op AddTensor = Op.Get("aten::add", "Tensor");

    public static readonly Op AddScalar = Op.Get("aten::add", "Scalar");

    public static readonly Op SubTensor = Op.Get("aten::sub", "Tensor");

    public static readonly Op SubScalar = Op.Get("aten::sub", "Scalar");

    public static readonly Op MulTensor = Op.Get("aten::mul", "Tensor");

    public static readonly Op MulScalar = Op.Get("aten::mul", "Scalar");

    public static readonly Op DivTensor = Op.Get("aten::div", "Tensor");

    public static readonly Op DivScalar = Op.Get("aten::div", "Scalar");

    public static readonly Op DivTensorMode = Op.Get("aten::div", "Tensor_mode");

    public static readonly Op Neg = Op.Get("aten::neg", "");

    public static readonly Op Abs = Op.Get("aten::abs", "");

    public static readonly Op Exp = Op.Get("aten::exp", "");

    public static readonly Op Log = Op.Get("aten::log", "");

    public static readonly Op Log2 = Op.Get("aten::log2", "");

    public static readonly Op Sqrt = Op.Get("aten::sqrt", "");

    public static readonly Op Rsqrt = Op.Get("aten::rsqrt", "");

    public static readonly Op Sigmoid = Op.Get("aten::sigmoid", "");

    public static readonly Op Relu = Op.Get("aten::relu", "");

    public static readonly Op Clamp = Op.Get("aten::clamp", "");

    public static readonly Op ClampTensor = Op.Get("aten::clamp", "Tensor");

    public static readonly Op ClampMin = Op.Get("aten::clamp_min", "");

    public static readonly Op ClampMax = Op.Get("aten::clamp_max", "");

    public static readonly Op Floor = Op.Get("aten::floor", "");

    public static readonly Op Ceil = Op.Get("aten::ceil", "");

    public static readonly Op Round = Op.Get("aten::round", "");

    public static readonly Op Sign = Op.Get("aten::sign", "");

    public static readonly Op Maximum = Op.Get("aten::maximum", "");

    public static readonly Op Minimum = Op.Get("aten::minimum", "");

    public static readonly Op Reciprocal = Op.Get("aten::reciprocal", "");

    public static readonly Op PowTensorScalar = Op.Get("aten::pow", "Tensor_Scalar");

    public static readonly Op PowTensorTensor = Op.Get("aten::pow", "Tensor_Tensor");

    public static readonly Op PowScalar = Op.Get("aten::pow", "Scalar");

    public static readonly Op Square = Op.Get("aten::square", "");

    public static readonly Op Log1p = Op.Get("aten::log1p", "");

    public static readonly Op Expm1 = Op.Get("aten::expm1", "");

    public static readonly Op Tanh = Op.Get("aten::tanh", "");

    public static readonly Op Sin = Op.Get("aten::sin", "");

    public static readonly Op Cos = Op.Get("aten::cos", "");

    public static readonly Op Atan2 = Op.Get("aten::atan2", "");

    public static readonly Op RemainderScalar = Op.Get("aten::remainder", "Scalar");

    public static readonly Op FmodScalar = Op.Get("aten::fmod", "Scalar");

    public static readonly Op Trunc = Op.Get("aten::trunc", "");

    public static readonly Op AddInplaceTensor = Op.Get("aten::add_", "Tensor");

    public static readonly Op AddInplaceScalar = Op.Get("aten::add_", "Scalar");

    public static readonly Op SubInplaceTensor = Op.Get("aten::sub_", "Tensor");

    public static readonly Op MulInplaceTensor = Op.Get("aten::mul_", "Tensor");

    public static readonly Op MulInplaceScalar = Op.Get("aten::mul_", "Scalar");

    public static readonly Op DivInplaceTensor = Op.Get("aten::div_", "Tensor");

    public static readonly Op DivInplaceScalar = Op.Get("aten::div_", "Scalar");

    public static readonly Op ZeroInplace = Op.Get("aten::zero_", "");

    public static readonly Op FillInplaceScalar = Op.Get("aten::fill_", "Scalar");

    public static readonly Op CopyInplace = Op.Get("aten::copy_", "");

    public static readonly Op ClampInplace = Op.Get("aten::clamp_", "");

    public static readonly Op ReluInplace = Op.Get("aten::relu_", "");

    public static readonly Op AddcmulInplace = Op.Get("aten::addcmul_", "");

    public static readonly Op AddcdivInplace = Op.Get("aten::addcdiv_", "");

    public static readonly Op LerpInplaceScalar = Op.Get("aten::lerp_", "Scalar");

    public static readonly Op NegInplace = Op.Get("aten::neg_", "");

    public static readonly Op SigmoidInplace = Op.Get("aten::sigmoid_", "");

    public static readonly Op ExpInplace = Op.Get("aten::exp_", "");

    public static readonly Op SqrtInplace = Op.Get("aten::sqrt_", "");

    public static readonly Op UniformInplace = Op.Get("aten::uniform_", "");

    public static readonly Op NormalInplace = Op.Get("aten::normal_", "");

    public static readonly Op BernoulliInplaceFloat = Op.Get("aten::bernoulli_", "float");

    public static readonly Op MaskedFillInplaceScalar = Op.Get("aten::masked_fill_", "Scalar");

    public static readonly Op IndexPutInplace = Op.Get("aten::index_put_", "");

    public static readonly Op ClampMinInplace = Op.Get("aten::clamp_min_", "");

    public static readonly Op ClampMaxInplace = Op.Get("aten::clamp_max_", "");

    public static readonly Op ForeachAddList = Op.Get("aten::_foreach_add", "List");

    public static readonly Op ForeachAddInplaceList = Op.Get("aten::_foreach_add_", "List");

    public static readonly Op ForeachMulInplaceScalar = Op.Get("aten::_foreach_mul_", "Scalar");

    public static readonly Op ForeachMulInplaceList = Op.Get("aten::_foreach_mul_", "List");

    public static readonly Op ForeachZeroInplace = Op.Get("aten::_foreach_zero_", "");

    public static readonly Op ForeachNorm = Op.Get("aten::_foreach_norm", "Scalar");

    public static readonly Op EqTensor = Op.Get("aten::eq", "Tensor");

    public static readonly Op EqScalar = Op.Get("aten::eq", "Scalar");

    public static readonly Op NeTensor = Op.Get("aten::ne", "Tensor");

    public static readonly Op NeScalar = Op.Get("aten::ne", "Scalar");

    public static readonly Op LtTensor = Op.Get("aten::lt", "Tensor");

    public static readonly Op LtScalar = Op.Get("aten::lt", "Scalar");

    public static readonly Op LeTensor = Op.Get("aten::le", "Tensor");

    public static readonly Op LeScalar = Op.Get("aten::le", "Scalar");

    public static readonly Op GtTensor = Op.Get("aten::gt", "Tensor");

    public static readonly Op GtScalar = Op.Get("aten::gt", "Scalar");

    public static readonly Op GeTensor = Op.Get("aten::ge", "Tensor");

    public static readonly Op GeScalar = Op.Get("aten::ge", "Scalar");

    public static readonly Op LogicalAnd = Op.Get("aten::logical_and", "");

    public static readonly Op LogicalOr = Op.Get("aten::logical_or", "");

    public static readonly Op LogicalNot = Op.Get("aten::logical_not", "");

    public static readonly Op LogicalXor = Op.Get("aten::logical_xor", "");

    public static readonly Op Isfinite = Op.Get("aten::isfinite", "");

    public static readonly Op Isnan = Op.Get("aten::isnan", "");

    public static readonly Op Allclose = Op.Get("aten::allclose", "");

    public static readonly Op Equal = Op.Get("aten::equal", "");

    public static readonly Op Sum = Op.Get("aten::sum", "");

    public static readonly Op SumDimIntList = Op.Get("aten::sum", "dim_IntList");

    public static readonly Op Mean = Op.Get("aten::mean", "");

    public static readonly Op MeanDim = Op.Get("aten::mean", "dim");

    public static readonly Op Max = Op.Get("aten::max", "");

    public static readonly Op MaxDim = Op.Get("aten::max", "dim");

    public static readonly Op Min = Op.Get("aten::min", "");

    public static readonly Op MinDim = Op.Get("aten::min", "dim");

    public static readonly Op Argmax = Op.Get("aten::argmax", "");

    public static readonly Op Argmin = Op.Get("aten::argmin", "");

    public static readonly Op Prod = Op.Get("aten::prod", "");

    public static readonly Op StdCorrection = Op.Get("aten::std", "correction");

    public static readonly Op VarCorrection = Op.Get("aten::var", "correction");

    public static readonly Op All = Op.Get("aten::all", "");

    public static readonly Op Any = Op.Get("aten::any", "");

    public static readonly Op AllDim = Op.Get("aten::all", "dim");

    public static readonly Op AnyDim = Op.Get("aten::any", "dim");

    public static readonly Op NormScalarOptDim = Op.Get("aten::norm", "ScalarOpt_dim");

    public static readonly Op Cumsum = Op.Get("aten::cumsum", "");

    public static readonly Op Amax = Op.Get("aten::amax", "");

    public static readonly Op Amin = Op.Get("aten::amin", "");

    public static readonly Op Sort = Op.Get("aten::sort", "");

    public static readonly Op SortStable = Op.Get("aten::sort", "stable");

    public static readonly Op Argsort = Op.Get("aten::argsort", "");

    public static readonly Op Topk = Op.Get("aten::topk", "");

    public static readonly Op Kthvalue = Op.Get("aten::kthvalue", "");

    public static readonly Op Median = Op.Get("aten::median", "");

    public static readonly Op MedianDim = Op.Get("aten::median", "dim");

    public static readonly Op UniqueConsecutive = Op.Get("aten::unique_consecutive", "");

    public static readonly Op PrivateUnique2 = Op.Get("aten::_unique2", "");

    public static readonly Op Bincount = Op.Get("aten::bincount", "");

    public static readonly Op View = Op.Get("aten::view", "");

    public static readonly Op Reshape = Op.Get("aten::reshape", "");

    public static readonly Op AsStrided = Op.Get("aten::as_strided", "");

    public static readonly Op Permute = Op.Get("aten::permute", "");

    public static readonly Op TransposeInt = Op.Get("aten::transpose", "int");

    public static readonly Op Contiguous = Op.Get("aten::contiguous", "");

    public static readonly Op FlattenUsingInts = Op.Get("aten::flatten", "using_ints");

    public static readonly Op Unsqueeze = Op.Get("aten::unsqueeze", "");

    public static readonly Op Squeeze = Op.Get("aten::squeeze", "");

    public static readonly Op SqueezeDim = Op.Get("aten::squeeze", "dim");

    public static readonly Op Expand = Op.Get("aten::expand", "");

    public static readonly Op ExpandAs = Op.Get("aten::expand_as", "");

    public static readonly Op Repeat = Op.Get("aten::repeat", "");

    public static readonly Op Narrow = Op.Get("aten::narrow", "");

    public static readonly Op SliceTensor = Op.Get("aten::slice", "Tensor");

    public static readonly Op SelectInt = Op.Get("aten::select", "int");

    public static readonly Op SplitTensor = Op.Get("aten::split", "Tensor");

    public static readonly Op SplitWithSizes = Op.Get("aten::split_with_sizes", "");

    public static readonly Op Chunk = Op.Get("aten::chunk", "");

    public static readonly Op UnbindInt = Op.Get("aten::unbind", "int");

    public static readonly Op Flip = Op.Get("aten::flip", "");

    public static readonly Op UnflattenInt = Op.Get("aten::unflatten", "int");

    public static readonly Op IndexSelect = Op.Get("aten::index_select", "");

    public static readonly Op Gather = Op.Get("aten::gather", "");

    public static readonly Op ScatterSrc = Op.Get("aten::scatter", "src");

    public static readonly Op ScatterValue = Op.Get("aten::scatter", "value");

    public static readonly Op IndexTensor = Op.Get("aten::index", "Tensor");

    public static readonly Op IndexPut = Op.Get("aten::index_put", "");

    public static readonly Op MaskedFillScalar = Op.Get("aten::masked_fill", "Scalar");

    public static readonly Op MaskedFillTensor = Op.Get("aten::masked_fill", "Tensor");

    public static readonly Op MaskedSelect = Op.Get("aten::masked_select", "");

    public static readonly Op Nonzero = Op.Get("aten::nonzero", "");

    public static readonly Op WhereSelf = Op.Get("aten::where", "self");

    public static readonly Op WhereScalarOther = Op.Get("aten::where", "ScalarOther");

    public static readonly Op WhereScalarSelf = Op.Get("aten::where", "ScalarSelf");

    public static readonly Op WhereScalar = Op.Get("aten::where", "Scalar");

    public static readonly Op IndexAdd = Op.Get("aten::index_add", "");

    public static readonly Op IndexFillIntScalar = Op.Get("aten::index_fill", "int_Scalar");

    public static readonly Op ScatterAdd = Op.Get("aten::scatter_add", "");

    public static readonly Op ToDtype = Op.Get("aten::to", "dtype");

    public static readonly Op ToDevice = Op.Get("aten::to", "device");

    public static readonly Op Clone = Op.Get("aten::clone", "");

    public static readonly Op Zeros = Op.Get("aten::zeros", "");

    public static readonly Op Ones = Op.Get("aten::ones", "");

    public static readonly Op Full = Op.Get("aten::full", "");

    public static readonly Op EmptyMemoryFormat = Op.Get("aten::empty", "memory_format");

    public static readonly Op Arange = Op.Get("aten::arange", "");

    public static readonly Op ArangeStart = Op.Get("aten::arange", "start");

    public static readonly Op ArangeStartStep = Op.Get("aten::arange", "start_step");

    public static readonly Op Linspace = Op.Get("aten::linspace", "");

    public static readonly Op Rand = Op.Get("aten::rand", "");

    public static readonly Op Randn = Op.Get("aten::randn", "");

    public static readonly Op RandintLow = Op.Get("aten::randint", "low");

    public static readonly Op Randperm = Op.Get("aten::randperm", "");

    public static readonly Op Eye = Op.Get("aten::eye", "");

    public static readonly Op ZerosLike = Op.Get("aten::zeros_like", "");

    public static readonly Op OnesLike = Op.Get("aten::ones_like", "");

    public static readonly Op FullLike = Op.Get("aten::full_like", "");

    public static readonly Op EmptyLike = Op.Get("aten::empty_like", "");

    public static readonly Op Cat = Op.Get("aten::cat", "");

    public static readonly Op Stack = Op.Get("aten::stack", "");

    public static readonly Op MeshgridIndexing = Op.Get("aten::meshgrid", "indexing");

    public static readonly Op Conv2d = Op.Get("aten::conv2d", "");

    public static readonly Op BatchNorm = Op.Get("aten::batch_norm", "");

    public static readonly Op GroupNorm = Op.Get("aten::group_norm", "");

    public static readonly Op Linear = Op.Get("aten::linear", "");

    public static readonly Op MaxPool2d = Op.Get("aten::max_pool2d", "");

    public static readonly Op AvgPool2d = Op.Get("aten::avg_pool2d", "");

    public static readonly Op AdaptiveAvgPool2d = Op.Get("aten::adaptive_avg_pool2d", "");

    public static readonly Op UpsampleNearest2dVec = Op.Get("aten::upsample_nearest2d", "vec");

    public static readonly Op UpsampleBilinear2dVec = Op.Get("aten::upsample_bilinear2d", "vec");

    public static readonly Op GridSampler = Op.Get("aten::grid_sampler", "");

    public static readonly Op CrossEntropyLoss = Op.Get("aten::cross_entropy_loss", "");

    public static readonly Op BinaryCrossEntropyWithLogits = Op.Get("aten::binary_cross_entropy_with_logits", "");

    public static readonly Op BinaryCrossEntropy = Op.Get("aten::binary_cross_entropy", "");

    public static readonly Op L1Loss = Op.Get("aten::l1_loss", "");

    public static readonly Op SmoothL1Loss = Op.Get("aten::smooth_l1_loss", "");

    public static readonly Op MseLoss = Op.Get("aten::mse_loss", "");

    public static readonly Op SoftmaxInt = Op.Get("aten::softmax", "int");

    public static readonly Op LogSoftmaxInt = Op.Get("aten::log_softmax", "int");

    public static readonly Op Dropout = Op.Get("aten::dropout", "");

    public static readonly Op NllLoss = Op.Get("aten::nll_loss", "");

    public static readonly Op PrivateForeachAddInplaceList = Op.Get("aten::_foreach_add_", "List");

    public static readonly Op PrivateForeachMulInplaceScalar = Op.Get("aten::_foreach_mul_", "Scalar");
}
