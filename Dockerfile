# syntax=docker/dockerfile:1
# The images of the silo and of the standalone gateway, from one build:
#   docker build --target silo    -t orleans-billing-silo:1.0.0 .
#   docker build --target gateway -t orleans-billing-gateway:1.0.0 .
# Bases are pinned by version (pin them by digest in your registry's mirror). The runtime base is
# Ubuntu chiseled: no shell, no package manager, a non-root user (1654); the manifests add a read-only root
# filesystem with /tmp as the only writable folder.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled

FROM ${SDK_IMAGE} AS build
WORKDIR /src
# Restore first, from the project files only, so a code change does not download packages again.
COPY global.json Directory.Build.props Directory.Packages.props OrleansBilling.sln .editorconfig ./
COPY grain-interfaces/OrleansBilling.GrainInterfaces.csproj grain-interfaces/
COPY grains/OrleansBilling.Grains.csproj grains/
COPY gateway/OrleansBilling.Gateway.csproj gateway/
COPY sandbox/OrleansBilling.Sandbox.csproj sandbox/
COPY silo/OrleansBilling.Silo.csproj silo/
RUN dotnet restore silo/OrleansBilling.Silo.csproj && dotnet restore gateway/OrleansBilling.Gateway.csproj
COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
COPY gateway/ gateway/
COPY sandbox/ sandbox/
COPY silo/ silo/
RUN dotnet publish silo/OrleansBilling.Silo.csproj -c Release --no-restore -o /out/silo -p:UseAppHost=false \
 && dotnet publish gateway/OrleansBilling.Gateway.csproj -c Release --no-restore -o /out/gateway -p:UseAppHost=false

FROM ${RUNTIME_IMAGE} AS silo
WORKDIR /app
COPY --from=build /out/silo .
USER 1654:1654
# HTTP (the API, /health/startup, /health/ready, /health/live, /metrics), silo-to-silo, Orleans gateway.
EXPOSE 8080 11111 30000
ENV ASPNETCORE_HTTP_PORTS=8080
ENTRYPOINT ["dotnet", "OrleansBilling.Silo.dll"]

FROM ${RUNTIME_IMAGE} AS gateway
WORKDIR /app
COPY --from=build /out/gateway .
USER 1654:1654
# HTTP (the API, /health/startup, /health/ready, /health/live, /metrics).
EXPOSE 8080
ENV ASPNETCORE_HTTP_PORTS=8080
ENTRYPOINT ["dotnet", "OrleansBilling.Gateway.dll"]
