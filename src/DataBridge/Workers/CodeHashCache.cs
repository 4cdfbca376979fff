namespace DataBridge.Workers;

/// <summary>
/// The code hashes one connection has sent, least recently used first out. The worker caches compiled code
/// by hash with 64 entries (LRU); this set holds at most 32 and is touched in the same order, so every hash
/// in it is still cached by the worker and a header may safely omit the code text.
/// </summary>
internal sealed class CodeHashCache
{
    /// <summary>Half the worker's capacity, so this set is always a subset of the worker's cache.</summary>
    public const int Capacity = 32;

    private readonly LinkedList<string> _order = new();
    private readonly Dictionary<string, LinkedListNode<string>> _nodes = new(StringComparer.Ordinal);

    /// <summary>Whether the worker has <paramref name="hash"/>; either way it becomes the most recently used.</summary>
    public bool Touch(string hash)
    {
        if (_nodes.TryGetValue(hash, out LinkedListNode<string>? node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            return true;
        }

        _nodes[hash] = _order.AddFirst(hash);
        if (_nodes.Count > Capacity)
        {
            LinkedListNode<string> last = _order.Last!;
            _order.RemoveLast();
            _nodes.Remove(last.Value);
        }

        return false;
    }

    /// <summary>Forgets a hash whose code the worker may not have kept (its run raised, e.g. a SyntaxError).</summary>
    public void Remove(string hash)
    {
        if (_nodes.Remove(hash, out LinkedListNode<string>? node))
        {
            _order.Remove(node);
        }
    }
}
