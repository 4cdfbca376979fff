namespace DataBridge.Ipc;

/// <summary>The body bytes of one message and what owns them (null when the caller's memory backs them).</summary>
internal readonly record struct MessageBody(ReadOnlyMemory<byte> Memory, IDisposable? Owner);
