// Application Insights on a Log Analytics workspace; the App Service agent sends requests, dependencies and logs.

@description('Azure region.')
param location string

@description('Application Insights name.')
param insightsName string

@description('Log Analytics workspace name.')
param workspaceName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

@description('For APPLICATIONINSIGHTS_CONNECTION_STRING.')
output connectionString string = insights.properties.ConnectionString
