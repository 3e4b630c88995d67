using System.Data;

namespace OrleansBilling.Tests.Postgres;

/// <summary>A query parameter bound the way Orleans' ADO.NET providers bind it: by name, with an explicit <see cref="DbType"/>.</summary>
public readonly record struct OrleansQueryParameter(string Name, object? Value, DbType Type);
