# One image for every stage: the meshscope command, run as `receiver`, `analyzer` or `generator`.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 meshscope
COPY --from=build /src/launcher/target/meshscope.jar /opt/meshscope/meshscope.jar
USER 10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/meshscope/meshscope.jar"]
