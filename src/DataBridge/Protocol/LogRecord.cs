namespace DataBridge.Protocol;

/// <summary>The JSON body of a <see cref="FrameCode.Log"/> frame.</summary>
/// <param name="Level"><c>debug</c>, <c>info</c>, <c>warning</c> or <c>error</c>.</param>
/// <param name="Stream"><c>stdout</c>, <c>stderr</c> (prints of user code) or <c>log</c> (<c>data_manager.log</c>).</param>
/// <param name="Message">The text.</param>
internal readonly record struct LogRecord(string Level, string Stream, string Message);
