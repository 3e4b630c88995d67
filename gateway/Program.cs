using OrleansBilling.Gateway;

if (GatewayHost.Build(args) is not { } app)
{
    return 2;
}

await app.RunAsync();
return 0;
